/**
 * The conversation of a graded test: what the fixtures (test clients over TCP, UDP and socket
 * files, echo peers, the fault relay and proxy, the TLS test client and servers, the STARTTLS
 * server, the DNS test server, the silent port) sent to and received from the learner's code,
 * recorded as it happens, so a failure can show it.
 *
 * <ul>
 *   <li>{@link netbasics.conversation.Conversation}: the per-test recorder. The harness calls
 *       {@code begin()} when a test starts and {@code end()} when it is over; fixtures call
 *       {@code claim}/{@code release} for their addresses and {@code sent}/{@code received}/
 *       {@code wrote}/{@code read}/{@code said}/{@code heard}/{@code note} for each event.
 *   <li>{@link netbasics.conversation.Diff}: the hexdump diff suites put in "came back changed" messages.
 *   <li>{@link netbasics.conversation.Reproduce}: the "reproduce by hand" line for an exchange.
 * </ul>
 *
 * <h2>How the harness uses it</h2>
 * <pre>{@code
 * // worker side, per test (GradingExtension):
 * beforeEach:   Conversation.begin();
 * on failure:   Exchange so far = Conversation.snapshot();           // handleTestExecutionException runs before afterEach
 *               message += "\n\n" + TranscriptText.of(so far)        // empty string when nothing was recorded
 *                        + Reproduce.guess(so far, script).map(line -> "\n" + line).orElse("");
 * afterEach:    String json = Conversation.end().toJson();           // keep it for the outcome of a failed test
 * outcome:      outcome.withTranscript(json)                         // Outcome.transcript, for failed tests only
 *
 * // trusted side, after the run (next to GradeReport.writeTo):
 * HtmlReport.write(Path.of("target/grades"), tree, outcomes);          // target/grades/report.html
 * Pcapng.writeAll(Path.of("target/grades/pcap"), outcomes);            // CHAPTER/SCRIPT/TEST.pcapng, when asked for
 * TranscriptText.of(Exchange.fromJson(outcome.transcript()));          // the transcript again, for the console or Markdown
 * }</pre>
 *
 * The model and every renderer live in {@code netbasics.report} (grader/java), which depends on
 * neither JUnit nor tests/, so the JVM that writes scores renders what a worker recorded from its
 * JSON alone; {@code Exchange.fromJson} never throws on bad input and the renderers escape all text.
 */
package netbasics.conversation;
