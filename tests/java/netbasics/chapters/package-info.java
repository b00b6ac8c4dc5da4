/**
 * The chapters' suites: one test class per exercise, whose javadoc lists each clause of the
 * exercise's contract (the stub's javadoc and TODOs, and the chapter's section) and the test that
 * checks it, or says why the clause is not graded.
 *
 * <p>Two kinds of clause are left out of every table, for the same reasons everywhere:
 * <ul>
 * <li>The command line itself: {@code --help} (exit status 0), a usage line for wrong arguments,
 *     {@code --} ending the options, and each option's default value. {@code chapters/cli/CommandLine.java}
 *     and the option parsing in each {@code main} are given whole, so a test of them could not fail
 *     on the stub. The exit statuses the chapters give (1 for a failure {@code main} reports, 2 for a
 *     usage error) are asserted as given, but {@code CommandLine} sets them (an exception that escapes
 *     {@code main} ends it with status 1 too), so they tell no learner's code from another's: what
 *     {@code main} prints does, and the tables name that.
 * <li>How a server reports a failure it survives ("report it and keep serving", after a failed send
 *     or accept): the words, and where they go (standard error, a logger), are the learner's.
 *     That it keeps serving is graded.
 * </ul>
 */
package netbasics.chapters;
