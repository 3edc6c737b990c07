/** Chat's frames in the gateway protocol: {@link dev.vicinity.gateway.chat.ChatFrames}. */
package dev.vicinity.gateway.chat;
