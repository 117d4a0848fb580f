// Mounts Swagger UI on the generated document; "Try it out" calls the API on this origin.
window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#swagger-ui', deepLinking: true, tryItOutEnabled: false });
