package netbasics.conversation;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Records every test's conversation, from its start to its end, and keeps it (as JSON) in the
 * test's extension store under {@link #JSON}. It is what the harness does with {@link Conversation},
 * as an extension that can be switched on without touching the harness: it is registered for
 * JUnit's extension autodetection, off by default, so
 * {@code -Djunit.jupiter.extensions.autodetection.enabled=true} turns recording on for a run. The
 * recording-overhead measurement grades a chapter with and without it.
 */
public final class RecordEachTest implements BeforeEachCallback, AfterEachCallback {

    public static final String JSON = "conversation.json";
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(RecordEachTest.class);

    @Override
    public void beforeEach(ExtensionContext context) {
        Conversation.begin();
    }

    @Override
    public void afterEach(ExtensionContext context) {
        // Every test's JSON is made, passed or failed: the worst case of what a harness would pay.
        // A snapshot, not end(): where the harness records too, its own afterEach still finds the recording whole.
        var exchange = Conversation.snapshot();
        String json = exchange.toJson();
        context.getStore(NAMESPACE).put(JSON, json);
        String dump = System.getProperty("netbasics.conversation.dump");
        if (dump != null && !exchange.isEmpty()) {
            // To look at real suites' conversations before the harness carries them: one JSON file per test.
            try {
                var folder = java.nio.file.Files.createDirectories(java.nio.file.Path.of(dump));
                String name = (context.getRequiredTestClass().getSimpleName() + "-" + context.getRequiredTestMethod().getName()
                        + "-" + context.getUniqueId().hashCode()).replaceAll("[^A-Za-z0-9_-]", "_");
                java.nio.file.Files.writeString(folder.resolve(name + ".json"), json);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        String tally = System.getProperty("netbasics.conversation.tally");
        if (tally != null) {
            // For the overhead measurement: proof that recording ran, and how much it kept.
            try {
                java.nio.file.Files.writeString(java.nio.file.Path.of(tally), context.getDisplayName() + "\t" + exchange.events().size()
                        + "\t" + json.length() + "\n", java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }
}
