package netbasics.chapters.modes;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.GatheringByteChannel;

/**
 * A gathering channel in front of another that records how it is called (single-buffer writes
 * and gathering writes apart), and takes at most {@code most} bytes per call, as a busy network
 * takes what fits.
 */
final class Recording implements GatheringByteChannel {

    private final GatheringByteChannel target;
    private final int most;
    int singleWrites;
    int gatheringWrites;

    Recording(GatheringByteChannel target, int most) {
        this.target = target;
        this.most = most;
    }

    @Override
    public int write(ByteBuffer source) throws IOException {
        singleWrites++;
        int take = Math.min(source.remaining(), most);
        int n = target.write(source.slice(source.position(), take));
        source.position(source.position() + n);
        return n;
    }

    @Override
    public long write(ByteBuffer[] sources, int offset, int length) throws IOException {
        gatheringWrites++;
        long left = most;
        long written = 0;
        for (int i = offset; i < offset + length && left > 0; i++) {
            ByteBuffer source = sources[i];
            int take = (int) Math.min(source.remaining(), left);
            if (take == 0) {
                continue;
            }
            int n = target.write(source.slice(source.position(), take));
            source.position(source.position() + n);
            written += n;
            left -= n;
            if (n < take) {
                break;
            }
        }
        return written;
    }

    @Override
    public long write(ByteBuffer[] sources) throws IOException {
        return write(sources, 0, sources.length);
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
