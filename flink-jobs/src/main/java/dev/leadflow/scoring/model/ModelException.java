package dev.leadflow.scoring.model;

/**
 * A scoring model that cannot be used. The message names the offending key path and value, e.g.
 * {@code engagement.signals."page:pricing".halfLife: must be a positive duration like 3d or 12h,
 * was "-1d"}, so that whoever edits the YAML can fix it without reading code.
 */
public class ModelException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    public ModelException(String message) {
        super(message);
    }

    public ModelException(String message, Throwable cause) {
        super(message, cause);
    }
}
