/** Spring Boot auto-configuration of a Vicinity node from {@code vicinity.*} properties. */
package dev.vicinity.spring.boot.autoconfigure;
