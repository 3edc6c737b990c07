package dev.vicinity.chat.archfixture;

/** Test fixture: stands for any class of the chat module. Never shipped. */
public final class ChatThing {
    public static int value() {
        return 1;
    }
}
