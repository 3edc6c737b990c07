/** Chat's frames in the gateway protocol: {@link dev.vicinity.chat.gateway.ChatFrames}. */
package dev.vicinity.chat.gateway;
