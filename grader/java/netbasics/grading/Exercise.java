package netbasics.grading;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Marks a test class as the graded suite of one exercise: the script {@code script}.java in the
 * chapter folder {@code chapter}. Its tests receive that script, compiled on its own from the tree
 * being graded, as a {@link Script} parameter.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Tag("graded")
@ExtendWith(GradingExtension.class)
public @interface Exercise {

    /** The chapter folder, e.g. {@code 02-datagrams}. */
    String chapter();

    /** The script's class name, which is also its file name, e.g. {@code UdpEchoServer}. */
    String script();
}
