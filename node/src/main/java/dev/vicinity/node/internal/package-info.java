/** Implementation details of the assembly (maintenance duties, the chat-to-rating view); not API. */
package dev.vicinity.node.internal;
