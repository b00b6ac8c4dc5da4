package netbasics.chapters.modes;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.nio.channels.GatheringByteChannel;
import java.nio.channels.ScatteringByteChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * A channel in front of another that records how it is called (single-buffer writes and reads
 * apart from gathering writes and scattering reads, and the buffers that gathering writes were
 * handed), and moves at most {@code most} bytes per call, as a busy network takes what fits and
 * a read returns what has arrived.
 */
final class Recording implements GatheringByteChannel, ScatteringByteChannel {

    private final ByteChannel target;
    private final int most;
    int singleWrites;
    int gatheringWrites;
    int singleReads;
    int scatteringReads;
    private final Set<ByteBuffer> gathered = Collections.newSetFromMap(new IdentityHashMap<>());

    Recording(ByteChannel target, int most) {
        this.target = target;
        this.most = most;
    }

    /** A step of a transfer: one call of the target's write or read with one buffer. */
    private interface Step {
        int move(ByteBuffer buffer) throws IOException;
    }

    @Override
    public int write(ByteBuffer source) throws IOException {
        singleWrites++;
        return (int) transfer(new ByteBuffer[] {source}, 0, 1, target::write);
    }

    @Override
    public long write(ByteBuffer[] sources, int offset, int length) throws IOException {
        gatheringWrites++;
        for (int i = offset; i < offset + length; i++) {
            if (sources[i].hasRemaining()) {
                gathered.add(sources[i]);
            }
        }
        return transfer(sources, offset, length, target::write);
    }

    @Override
    public long write(ByteBuffer[] sources) throws IOException {
        return write(sources, 0, sources.length);
    }

    @Override
    public int read(ByteBuffer destination) throws IOException {
        singleReads++;
        return (int) transfer(new ByteBuffer[] {destination}, 0, 1, target::read);
    }

    @Override
    public long read(ByteBuffer[] destinations, int offset, int length) throws IOException {
        scatteringReads++;
        return transfer(destinations, offset, length, target::read);
    }

    @Override
    public long read(ByteBuffer[] destinations) throws IOException {
        return read(destinations, 0, destinations.length);
    }

    /**
     * Moves up to {@code most} bytes through the buffers in turn, one target call per buffer, and
     * stops at the first call that moves less than it was offered (a read stops there rather than
     * wait again); -1 when the first read meets the end of the stream.
     */
    private long transfer(ByteBuffer[] buffers, int offset, int length, Step step) throws IOException {
        long left = most;
        long moved = 0;
        for (int i = offset; i < offset + length && left > 0; i++) {
            ByteBuffer buffer = buffers[i];
            int take = (int) Math.min(buffer.remaining(), left);
            if (take == 0) {
                continue;
            }
            int n = step.move(buffer.slice(buffer.position(), take));
            if (n == -1) {
                return moved == 0 ? -1 : moved;
            }
            buffer.position(buffer.position() + n);
            moved += n;
            left -= n;
            if (n < take) {
                break;
            }
        }
        return moved;
    }

    /**
     * The buffers with bytes remaining that gathering writes were handed and that are not views
     * of any of {@code callers}' bytes: a buffer is a view when changing the caller's bytes changes
     * what it holds (the caller's buffer itself, a duplicate, a slice, a read-only view), and is a
     * copy when it does not. The callers' bytes are restored before this returns.
     */
    List<ByteBuffer> gatheredCopies(byte[]... callers) {
        List<ByteBuffer> copies = new ArrayList<>();
        for (ByteBuffer buffer : gathered) {
            byte[] before = contents(buffer);
            flip(callers);
            byte[] after = contents(buffer);
            flip(callers);
            if (Arrays.equals(before, after)) {
                copies.add(buffer);
            }
        }
        return copies;
    }

    private static byte[] contents(ByteBuffer buffer) {
        ByteBuffer all = buffer.duplicate().clear();
        byte[] bytes = new byte[all.remaining()];
        all.get(bytes);
        return bytes;
    }

    private static void flip(byte[]... arrays) {
        for (byte[] array : arrays) {
            for (int i = 0; i < array.length; i++) {
                array[i] = (byte) ~array[i];
            }
        }
    }

    @Override
    public boolean isOpen() {
        return target.isOpen();
    }

    @Override
    public void close() throws IOException {
        target.close();
    }
}
