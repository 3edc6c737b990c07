package dev.vicinity.geo;

/**
 * A coarse distance shown to other users instead of an exact one, e.g. {@code "< 1 km"} or
 * {@code "2-3 km"}. A user is in bucket {@code i} if {@code lowerMeters <= d < upperMeters}.
 *
 * @param index position in {@link DistanceBuckets}, 0 = nearest
 * @param lowerMeters inclusive lower edge
 * @param upperMeters exclusive upper edge
 * @param label display form
 */
public record DistanceBucket(int index, double lowerMeters, double upperMeters, String label) {}
