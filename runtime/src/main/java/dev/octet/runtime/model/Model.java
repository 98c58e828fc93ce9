package dev.octet.runtime.model;

import java.util.List;

/**
 * A parsed, validated TFLite model. Immutable and safe to share between threads and interpreters: constant
 * tensor data are views into {@link #bytes()}, which nobody writes after loading.
 */
public final class Model {
    private final byte[] bytes;
    private final int schemaVersion;
    private final String description;
    private final List<OperatorCode> operatorCodes;
    private final List<Subgraph> subgraphs;
    private final List<SignatureDef> signatures;
    private final Int4Layout int4Layout;
    private final boolean shiftOnlyRequantization;

    public Model(byte[] bytes, int schemaVersion, String description, List<OperatorCode> operatorCodes,
                 List<Subgraph> subgraphs, List<SignatureDef> signatures) {
        this(bytes, schemaVersion, description, operatorCodes, subgraphs, signatures, null);
    }

    /** @param int4Layout the layout of Octet's int4 variant when the model carries its marker, else null */
    public Model(byte[] bytes, int schemaVersion, String description, List<OperatorCode> operatorCodes,
                 List<Subgraph> subgraphs, List<SignatureDef> signatures, Int4Layout int4Layout) {
        this(bytes, schemaVersion, description, operatorCodes, subgraphs, signatures, int4Layout, false);
    }

    /**
     * @param int4Layout the layout of Octet's int4 variant when the model carries its marker, else null
     * @param shiftOnlyRequantization whether the model carries the marker of Octet's shift-only variant
     *        ({@link ShiftOnlyRequantization})
     */
    public Model(byte[] bytes, int schemaVersion, String description, List<OperatorCode> operatorCodes,
                 List<Subgraph> subgraphs, List<SignatureDef> signatures, Int4Layout int4Layout,
                 boolean shiftOnlyRequantization) {
        this.int4Layout = int4Layout;
        this.shiftOnlyRequantization = shiftOnlyRequantization;
        this.bytes = bytes;
        this.schemaVersion = schemaVersion;
        this.description = description == null ? "" : description;
        this.operatorCodes = List.copyOf(operatorCodes);
        this.subgraphs = List.copyOf(subgraphs);
        this.signatures = List.copyOf(signatures);
    }

    /** The flatbuffer the model was read from. Shared, never to be modified. */
    public byte[] bytes() {
        return bytes;
    }

    public int sizeBytes() {
        return bytes.length;
    }

    public int schemaVersion() {
        return schemaVersion;
    }

    public String description() {
        return description;
    }

    public List<OperatorCode> operatorCodes() {
        return operatorCodes;
    }

    public List<Subgraph> subgraphs() {
        return subgraphs;
    }

    /** The subgraph that runs by default (the first). */
    public Subgraph mainSubgraph() {
        return subgraphs.get(0);
    }

    public List<SignatureDef> signatures() {
        return signatures;
    }

    /** The int4 layout when the model is Octet's int4 variant (metadata {@value Int4Layout#METADATA_NAME}). */
    public java.util.Optional<Int4Layout> int4Layout() {
        return java.util.Optional.ofNullable(int4Layout);
    }

    /**
     * Whether the model is Octet's shift-only variant (metadata {@value ShiftOnlyRequantization#METADATA_NAME}):
     * CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED requantize with one rounding shift, not bit-exact with TFLite.
     */
    public boolean shiftOnlyRequantization() {
        return shiftOnlyRequantization;
    }
}
