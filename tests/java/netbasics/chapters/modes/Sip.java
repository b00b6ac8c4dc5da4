package netbasics.chapters.modes;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;

/**
 * A channel that passes bytes on to another but takes at most a few thousand per write, the way a
 * busy network takes what fits: whoever writes to it (transferTo among them) gets a partial write
 * and must carry on from there.
 */
final class Sip implements WritableByteChannel {

    private final WritableByteChannel target;
    private final int most;
    private long taken;

    Sip(WritableByteChannel target, int most) {
        this.target = target;
        this.most = most;
    }

    @Override
    public int write(ByteBuffer source) throws IOException {
        int take = Math.min(source.remaining(), most);
        int n = target.write(source.slice(source.position(), take));
        source.position(source.position() + n);
        taken += n;
        return n;
    }

    long taken() {
        return taken;
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
