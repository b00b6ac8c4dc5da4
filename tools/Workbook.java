///usr/bin/env jbang "$0" "$@" ; exit $?
//JAVA 21+
//DESCRIPTION The workbook command: progress, grading, watch mode, hints (./jbang workbook help)
//
// The grading libraries, at the versions pom.xml names (a self-check test keeps the two equal):
//DEPS org.junit:junit-bom:6.1.3@pom
//DEPS org.junit.jupiter:junit-jupiter
//DEPS org.junit.platform:junit-platform-launcher
//DEPS org.assertj:assertj-core:3.27.7
//DEPS org.awaitility:awaitility:4.3.0
//DEPS com.fasterxml.jackson.core:jackson-databind:2.20.1
//DEPS org.ow2.asm:asm:9.9.1
//DEPS org.bouncycastle:bcpkix-jdk18on:1.87
//DEPS dnsjava:dnsjava:3.7.1
//DEPS org.slf4j:slf4j-nop:1.7.36
//
// The grading harness, the fixtures and every chapter's suite, found afresh on each run (a new
// chapter's suite is picked up by itself), plus the JUnit settings that a Maven run reads too.
// (A glob's "**/" needs at least one folder, hence each folder twice.)
//SOURCES ../grader/java/netbasics/grading/*.java
//SOURCES ../grader/java/netbasics/report/*.java
//SOURCES ../grader/java/netbasics/conversation/*.java
//SOURCES ../tests/java/netbasics/fixtures/*.java
//SOURCES ../tests/java/netbasics/fixtures/**/*.java
//SOURCES ../tests/java/netbasics/chapters/*.java
//SOURCES ../tests/java/netbasics/chapters/**/*.java
//SOURCES ../grader/java/netbasics/workbook/*.java
//SOURCES ../grader/java/netbasics/grader/*.java
//FILES ../tests/resources/**
//
// As under Surefire (see pom.xml): a platform charset that is not UTF-8, so code that forgets to
// name its charset fails here exactly as it does in the Maven run.
//JAVA_OPTIONS -Dfile.encoding=ISO-8859-1 -Dstdout.encoding=UTF-8 -Dstderr.encoding=UTF-8

/**
 * {@code ./jbang workbook}: where you are, grading, watch mode and hints, in one command. The
 * work is done by netbasics.workbook.WorkbookCommand, which the Maven build compiles and tests too.
 */
public class Workbook {

    public static void main(String[] args) {
        netbasics.workbook.WorkbookCommand.main(args);
    }
}
