package dev.leadflow.scoring.model;

import java.io.Serializable;

/**
 * The grade: a fit letter A-D and an engagement digit 1-4, e.g. "A1" (great fit, very engaged)
 * or "D4". Each band is the lowest score that earns it; below the last band is D or 4. The 16
 * strings are built once so grading allocates nothing.
 */
public final class Grades implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Minimum fit for A, B, C. */
    private final int[] fitBands;
    /** Minimum engagement for 1, 2, 3. */
    private final int[] engagementBands;
    private final String[][] names = new String[4][4];

    Grades(int[] fitBands, int[] engagementBands) {
        this.fitBands = fitBands.clone();
        this.engagementBands = engagementBands.clone();
        for (int f = 0; f < 4; f++) {
            for (int e = 0; e < 4; e++) {
                names[f][e] = "ABCD".charAt(f) + Integer.toString(e + 1);
            }
        }
    }

    public String grade(int fit, int engagement) {
        return names[band(fitBands, fit)][band(engagementBands, engagement)];
    }

    private static int band(int[] mins, int value) {
        for (int i = 0; i < mins.length; i++) {
            if (value >= mins[i]) {
                return i;
            }
        }
        return mins.length;
    }
}
