package netbasics.grading;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The points a graded test is worth and the hint a learner sees when it fails. Every test of an
 * {@link Exercise} class carries one; the workbook's own verification checks that.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
public @interface Graded {

    int points();

    /** One or two sentences that point a learner at the fix, ideally at a section of the chapter. */
    String hint();
}
