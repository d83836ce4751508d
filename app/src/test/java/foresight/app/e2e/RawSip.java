package foresight.app.e2e;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** Hand-written SIP over UDP from a chosen loopback address: for attackers and malformed input in tests. */
final class RawSip implements AutoCloseable {
    final DatagramSocket socket;
    private final InetSocketAddress server;

    RawSip(String bindAddress, int serverPort) throws Exception {
        socket = new DatagramSocket(new InetSocketAddress(InetAddress.getByName(bindAddress), 0));
        server = new InetSocketAddress("127.0.0.1", serverPort);
    }

    String local() { return socket.getLocalAddress().getHostAddress() + ":" + socket.getLocalPort(); }

    void send(byte[] bytes) throws Exception { socket.send(new DatagramPacket(bytes, bytes.length, server)); }

    void send(String message) throws Exception { send(message.replace("\n", "\r\n").getBytes(StandardCharsets.UTF_8)); }

    /** The next datagram received, or null after {@code wait}. */
    String receive(Duration wait) throws Exception {
        socket.setSoTimeout((int) wait.toMillis());
        byte[] buf = new byte[65536];
        var p = new DatagramPacket(buf, buf.length);
        try {
            socket.receive(p);
            return new String(p.getData(), 0, p.getLength(), StandardCharsets.UTF_8);
        } catch (SocketTimeoutException e) {
            return null;
        }
    }

    /** Drains what arrives during {@code wait}; returns how many datagrams. */
    int countReceived(Duration wait) throws Exception {
        int n = 0;
        long until = System.nanoTime() + wait.toNanos();
        while (System.nanoTime() < until) if (receive(Duration.ofMillis(100)) != null) n++;
        return n;
    }

    @Override
    public void close() { socket.close(); }
}
