/**
 * Set up before every test file of the jest project `unit` (jest.config.js): those tests run with no
 * database server at all, so the server a developer may have exported is hidden from them, and one that
 * reaches for a database anyway fails with a line saying where it belongs (test/helpers/db.ts).
 */
delete process.env.BXSUP_TEST_DB_URL;
process.env.BXSUP_TEST_PROJECT = 'unit';
