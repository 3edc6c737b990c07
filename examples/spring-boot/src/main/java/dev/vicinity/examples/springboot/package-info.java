/** The demo page on Spring Boot through vicinity-spring-boot-starter. */
package dev.vicinity.examples.springboot;
