/** Every API operation, in the order the OpenAPI document lists them. */
import * as admin from './admin.ts';
import * as auth from './auth.ts';
import * as certificates from './certificates.ts';
import * as content from './content.ts';
import * as health from './health.ts';
import * as instructor from './instructor.ts';
import * as passwordReset from './password-reset.ts';
import * as progress from './progress.ts';
import * as quizzes from './quizzes.ts';
import * as reviews from './reviews.ts';
import * as search from './search.ts';
import * as teams from './teams.ts';
import * as tiers from './tiers.ts';

export const operations = [
	content.getCourse,
	content.listChapters,
	content.listChaptersPage,
	content.getChapter,
	content.getNextChapter,
	content.getPreviousChapter,
	content.getChapterContent,
	search.searchContent,
	content.listQuizzes,
	content.listQuizzesPage,
	content.getQuiz,
	quizzes.startQuiz,
	quizzes.submitQuiz,
	quizzes.getQuizResults,
	progress.getProgress,
	progress.updateProgress,
	progress.getStreak,
	progress.recordCheckin,
	certificates.getCertificate,
	certificates.verifyCertificate,
	reviews.getReviewQueue,
	reviews.submitReview,
	content.checkAccessOp,
	tiers.getUserTier,
	tiers.upgradeTier,
	tiers.searchUsersOp,
	tiers.getUserAdmin,
	admin.createLearner,
	admin.sendResetLink,
	admin.getAuditLog,
	tiers.billingWebhook,
	instructor.listLearners,
	instructor.exportLearners,
	instructor.getQuizStatistics,
	instructor.exportQuizStatistics,
	instructor.getClassOverview,
	teams.createTeam,
	teams.createTeamInvite,
	teams.joinTeam,
	teams.getTeamProgress,
	teams.removeTeamMember,
	auth.register,
	auth.login,
	auth.logout,
	auth.getMe,
	auth.updateMe,
	auth.changePassword,
	auth.listSessions,
	auth.revokeSession,
	passwordReset.requestPasswordReset,
	passwordReset.resetPassword,
	health.health,
	health.ready,
];
