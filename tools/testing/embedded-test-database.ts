/** Where the global setup keeps the embedded pass's database for the teardown to stop. */
export const EMBEDDED_TEST_DATABASE = Symbol.for('bridgenotes.embeddedTestDatabase');
