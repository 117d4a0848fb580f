// Progressive enhancement for quiz forms: send the answers to the API and show the graded result in
// place. Without JavaScript (or when this fails) the form posts to the server-rendered result page.
// A learner who is not signed in keeps their answers: they wait in this tab's sessionStorage while the
// learner signs in or registers, and are put back when the quiz opens again.
(() => {
	const form = document.querySelector('form[data-quiz]');
	if (!form) return;
	const quizId = form.dataset.quiz;
	const saved = `quiz-answers:${quizId}`;
	const collect = () => {
		const answers = {};
		for (const fieldset of form.querySelectorAll('fieldset')) {
			const inputs = [...fieldset.querySelectorAll('input')];
			const name = inputs[0]?.name;
			if (!name) continue;
			// Short and numeric questions are one text field: its text, if any, is the answer.
			answers[name] =
				inputs[0].type === 'text' ? [inputs[0].value.trim()].filter((v) => v !== '') : inputs.filter((i) => i.checked).map((i) => i.value);
		}
		return answers;
	};
	const store = (answers) => {
		try {
			sessionStorage.setItem(saved, JSON.stringify(answers));
		} catch {}
	};
	const signedIn = /(?:^|;\s*)cc_user=/.test(document.cookie);
	let kept = null;
	try {
		kept = JSON.parse(sessionStorage.getItem(saved) ?? 'null');
	} catch {}
	if (kept && typeof kept === 'object') {
		for (const [question, options] of Object.entries(kept)) {
			const field = form.querySelector(`input[type="text"][name="${CSS.escape(question)}"]`);
			if (field) {
				if (Array.isArray(options) && typeof options[0] === 'string') field.value = options[0];
				continue;
			}
			for (const option of Array.isArray(options) ? options : []) {
				const input = form.querySelector(`input[name="${CSS.escape(question)}"][value="${CSS.escape(String(option))}"]`);
				if (input) input.checked = true;
			}
		}
		const notice = document.createElement('p');
		notice.className = 'notice';
		notice.setAttribute('role', 'status');
		notice.setAttribute('data-answers-restored', '');
		notice.textContent = signedIn
			? 'Your answers are back. Submit them to have them graded.'
			: 'Your answers are kept in this tab until you sign in.';
		form.before(notice);
	}
	if (!signedIn) {
		// Keep the answers, then sign in; the sign-in page brings the learner back to this quiz.
		form.addEventListener('submit', (event) => {
			event.preventDefault();
			store(collect());
			location.href = `/login?next=${encodeURIComponent(location.pathname)}`;
		});
		return;
	}
	const el = (tag, text, cls) => {
		const node = document.createElement(tag);
		if (text) node.textContent = text;
		if (cls) node.className = cls;
		return node;
	};
	const written = (questionId) => form.querySelector(`input[type="text"][name="${CSS.escape(questionId)}"]`) !== null;
	const optionText = (questionId, optionId) =>
		written(questionId)
			? optionId
			: (form
					.querySelector(`input[name="${CSS.escape(questionId)}"][value="${CSS.escape(optionId)}"]`)
					?.parentElement?.textContent?.trim() ?? optionId);
	const verdict = (q) => (q.correct ? '✓ Correct' : q.credit > 0 ? `◐ Partly correct (${q.credit} of 1)` : '✗ Incorrect');
	form.addEventListener('submit', async (event) => {
		event.preventDefault();
		const answers = collect();
		const button = form.querySelector('button[type="submit"]');
		button.disabled = true;
		let response;
		try {
			response = await fetch(`/api/v1/me/quizzes/${quizId}/attempts`, {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify({ answers }),
			});
		} catch {
			form.submit();
			return;
		}
		button.disabled = false;
		const body = await response.json().catch(() => null);
		const old = document.querySelector('[data-quiz-feedback]');
		old?.remove();
		const box = el('section');
		box.setAttribute('data-quiz-feedback', '');
		box.setAttribute('tabindex', '-1');
		if (!response.ok) {
			if (response.status === 401) {
				store(answers);
				location.href = `/login?next=${encodeURIComponent(location.pathname)}`;
				return;
			}
			box.className = 'error-summary';
			box.setAttribute('role', 'alert');
			box.append(el('p', body?.error?.message ?? 'The answers could not be graded. Please try again.'));
			for (const d of Array.isArray(body?.error?.details) ? body.error.details : []) if (d.message) box.append(el('p', d.message));
			form.before(box);
			box.focus();
			return;
		}
		try {
			sessionStorage.removeItem(saved);
		} catch {}
		document.querySelector('[data-answers-restored]')?.remove();
		box.setAttribute('data-quiz-result', '');
		box.setAttribute('data-passed', String(body.passed));
		box.setAttribute('data-percent', String(body.percent));
		const heading = el('h2');
		heading.append(el('span', body.passed ? 'Passed' : 'Not passed yet', body.passed ? 'result-ok' : 'result-bad'));
		heading.append(` — ${body.score} of ${body.total} (${body.percent}%)`);
		box.append(heading);
		const left = body.attemptsLeftToday === null ? '' : ` Attempts left today: ${body.attemptsLeftToday}.`;
		box.append(el('p', `The pass mark is ${body.passMark}%.${left}`));
		const list = el('ol');
		for (const q of body.questions) {
			const item = el('li');
			item.dataset.question = q.id;
			item.dataset.correct = String(q.correct);
			item.dataset.credit = String(q.credit);
			const prompt = form.querySelector(`#prompt-${CSS.escape(q.id)}`)?.textContent ?? q.id;
			item.append(el('p', `${verdict(q)}: ${prompt}`));
			item.append(el('p', `Your answer: ${q.selected.map((o) => optionText(q.id, o)).join('; ')}`));
			if (!q.correct && typeof q.correctAnswer === 'string') item.append(el('p', `Correct answer: ${q.correctAnswer}`));
			if (!q.correct && q.correctOptions?.length)
				item.append(el('p', `Correct answer: ${q.correctOptions.map((o) => optionText(q.id, o)).join('; ')}`));
			for (const text of Object.values(q.feedback)) item.append(el('p', text));
			if (q.explanation) item.append(el('p', q.explanation, 'meta'));
			if (!q.correct && q.teaches) {
				const read = el('p', 'Read again: ');
				const link = el('a', q.teaches.heading);
				link.href = q.teaches.url;
				read.append(link);
				item.append(read);
			}
			list.append(item);
		}
		box.append(list);
		if (!body.revealed && !body.passed) {
			box.append(el('p', 'The correct answers are shown once you pass, or after your last attempt of the day.', 'meta'));
		}
		const links = el('p');
		const dash = el('a', 'Your dashboard', 'button secondary');
		dash.href = '/dashboard';
		links.append(dash);
		box.append(links);
		form.after(box);
		box.focus();
	});
})();
