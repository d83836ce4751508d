package foresight.media.rtp;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.locks.ReentrantLock;

/**
 * Opens RTP sessions on even UDP ports in a configured range, each with its RTCP on the next odd port
 * (RFC 3550 §11). One Netty event loop group serves every session. Thread-safe.
 */
public final class RtpEngine implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RtpEngine.class);

    private final String bindHost;
    private final int portMin;
    private final int portMax;
    private final EventLoopGroup group;
    private final Class<? extends DatagramChannel> channelType;
    private final ReentrantLock portLock = new ReentrantLock();
    private int nextPort; // guarded by portLock

    public RtpEngine(String bindHost, int portMin, int portMax, int ioThreads) {
        if (portMin % 2 != 0 || portMax <= portMin) throw new IllegalArgumentException("rtp port range must start even and be non-empty: " + portMin + "-" + portMax);
        this.bindHost = bindHost;
        this.portMin = portMin;
        this.portMax = portMax;
        this.nextPort = portMin;
        IoHandlerFactory io;
        if (Epoll.isAvailable()) {
            io = EpollIoHandler.newFactory();
            channelType = EpollDatagramChannel.class;
        } else {
            io = NioIoHandler.newFactory();
            channelType = NioDatagramChannel.class;
        }
        group = new MultiThreadIoEventLoopGroup(ioThreads, io);
        log.info("event=rtp_engine_started transport={} ports={}-{}", Epoll.isAvailable() ? "epoll" : "nio", portMin, portMax);
    }

    /** Binds a new session on the next free even port. Blocks briefly for the bind; never call on an event loop. */
    public RtpSession open() {
        portLock.lock();
        try {
            int span = (portMax - portMin) / 2;
            for (int attempt = 0; attempt < span; attempt++) {
                int port = nextPort;
                nextPort = nextPort + 2 > portMax ? portMin : nextPort + 2;
                var session = new RtpSession(port);
                Channel ch = null;
                try {
                    ch = new Bootstrap().group(group).channel(channelType)
                            .option(ChannelOption.SO_RCVBUF, 256 * 1024).option(ChannelOption.SO_SNDBUF, 256 * 1024)
                            .handler(session.new InboundHandler())
                            .bind(new java.net.InetSocketAddress(bindHost, port)).sync().channel();
                    session.attach(ch);
                    Channel rtcp = new Bootstrap().group(group).channel(channelType)
                            .handler(session.new RtcpHandler())
                            .bind(new java.net.InetSocketAddress(bindHost, port + 1)).sync().channel();
                    session.attachRtcp(rtcp);
                    return session;
                } catch (Exception e) {
                    if (ch != null) ch.close();
                    log.debug("event=rtp_port_busy port={}", port);
                }
            }
            throw new IllegalStateException("no free RTP port in " + portMin + "-" + portMax);
        } finally {
            portLock.unlock();
        }
    }

    @Override
    public void close() {
        group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
    }
}
