package io.ledgerjdbc.replication;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * What applying one command did, identical on every member that applied it (so the origin can trust the
 * leader's answer): the position the command had among applied commands ({@code ordinal}) and its result.
 */
public sealed interface Outcome {

    long ordinal();

    /** The write-set is in the ledger at {@code seq}. */
    record Committed(long ordinal, long seq) implements Outcome {}

    /** The write-set was rejected and left no trace: a conflict (40001) or an error of the database, as it was. */
    record Rejected(long ordinal, String sqlState, int vendorCode, String message) implements Outcome {}

    /** A barrier or checkpoint, or a command this member had applied before it restarted. */
    record Done(long ordinal) implements Outcome {}

    /** This member stopped applying: its database no longer follows the log (see the message). */
    record Diverged(long ordinal, String message) implements Outcome {}

    default byte[] encode() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            if (this instanceof Committed c) {
                out.writeByte(1);
                out.writeLong(c.ordinal());
                out.writeLong(c.seq());
            } else if (this instanceof Rejected r) {
                out.writeByte(2);
                out.writeLong(r.ordinal());
                out.writeUTF(r.sqlState() == null ? "" : r.sqlState());
                out.writeInt(r.vendorCode());
                out.writeUTF(truncate(r.message()));
            } else if (this instanceof Done d) {
                out.writeByte(3);
                out.writeLong(d.ordinal());
            } else if (this instanceof Diverged d) {
                out.writeByte(4);
                out.writeLong(d.ordinal());
                out.writeUTF(truncate(d.message()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static Outcome decode(byte[] bytes) {
        try (DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(bytes))) {
            int kind = in.readByte();
            long ordinal = in.readLong();
            return switch (kind) {
                case 1 -> new Committed(ordinal, in.readLong());
                case 2 -> new Rejected(ordinal, emptyToNull(in.readUTF()), in.readInt(), in.readUTF());
                case 3 -> new Done(ordinal);
                case 4 -> new Diverged(ordinal, in.readUTF());
                default -> throw new IllegalArgumentException("unknown outcome kind " + kind);
            };
        } catch (IOException e) {
            throw new IllegalArgumentException("malformed outcome", e);
        }
    }

    private static String emptyToNull(String s) {
        return s.isEmpty() ? null : s;
    }

    /** writeUTF takes at most 65535 bytes; database messages can be longer. */
    private static String truncate(String s) {
        String m = s == null ? "" : s;
        return m.length() > 8000 ? m.substring(0, 8000) + "…" : m;
    }
}
