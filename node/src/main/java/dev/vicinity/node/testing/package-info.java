/**
 * Testing host code against a real node: {@link dev.vicinity.node.testing.VicinityHarness} runs a
 * {@link dev.vicinity.node.Vicinity} on the in-memory backend and a test clock and gives in-process
 * protocol clients ({@link dev.vicinity.node.testing.HarnessClient}).
 *
 * <p>It lives in {@code vicinity-node} rather than {@code vicinity-testkit} because it needs the node,
 * and the node's optional adapters use the testkit in their own tests (a Maven cycle otherwise). It
 * depends on no test framework: a failed expectation is an {@link java.lang.AssertionError}, a misuse
 * an {@link java.lang.IllegalStateException} or {@link java.lang.IllegalArgumentException}, so it
 * works with JUnit, TestNG or plain {@code main} methods alike.
 */
package dev.vicinity.node.testing;
