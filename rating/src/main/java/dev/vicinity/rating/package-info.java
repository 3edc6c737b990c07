/**
 * Rating: eligibility, one rating per rater per session, double-blind reveal, aggregates and scores. Depends on core only.
 */
package dev.vicinity.rating;
