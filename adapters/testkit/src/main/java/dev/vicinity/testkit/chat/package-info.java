/**
 * Contract suites every chat backend binds in a few lines: {@link dev.vicinity.testkit.chat.ChatSessionStoreContract} and {@link dev.vicinity.testkit.chat.MessageStoreContract}.
 */
package dev.vicinity.testkit.chat;
