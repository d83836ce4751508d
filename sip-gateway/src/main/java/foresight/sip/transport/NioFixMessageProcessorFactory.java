package foresight.sip.transport;

import gov.nist.javax.sip.stack.MessageProcessor;
import gov.nist.javax.sip.stack.MessageProcessorFactory;
import gov.nist.javax.sip.stack.NIOHandler;
import gov.nist.javax.sip.stack.NioMessageProcessorFactory;
import gov.nist.javax.sip.stack.NioTcpMessageProcessor;
import gov.nist.javax.sip.stack.NioTlsMessageProcessor;
import gov.nist.javax.sip.stack.SIPTransactionStack;

import javax.sip.ListeningPoint;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.channels.SocketChannel;

/**
 * JAIN-SIP's NIO transports (named by class in {@code gov.nist.javax.sip.MESSAGE_PROCESSOR_FACTORY}) with one bug
 * fixed: in jain-sip-ri 1.3.0-91 {@code NIOHandler.openOutgoingConnection} never sets its {@code connected} flag, so
 * every connection it opens is dropped from the socket table as soon as it is made (RestComm/jain-sip#188, fix in the
 * unmerged PR #197). Over TCP that costs a second connection per outgoing channel and can lose the first request
 * (usnistgov/jsip#77); over TLS it loses the request outright: the channel opens connection A, the first send finds
 * no cached socket and opens B, and the TLS channel then re-sends A's ClientHello bytes on B as application data, so
 * the peer never sees the INVITE (an agent registered over TLS was rung, 408). Here the opened socket is put back in
 * the table, so the channel's own connection is the one its messages go down. UDP is JAIN-SIP's own.
 */
public final class NioFixMessageProcessorFactory implements MessageProcessorFactory {
    private final NioMessageProcessorFactory upstream = new NioMessageProcessorFactory();

    @Override
    public MessageProcessor createMessageProcessor(SIPTransactionStack sipStack, InetAddress ipAddress, int port, String transport) throws IOException {
        if (ListeningPoint.TCP.equalsIgnoreCase(transport)) return new Tcp(ipAddress, sipStack, port);
        if (ListeningPoint.TLS.equalsIgnoreCase(transport)) return new Tls(ipAddress, sipStack, port);
        return upstream.createMessageProcessor(sipStack, ipAddress, port, transport);
    }

    /** Keeps each outgoing connection it opens in the socket table, as the upstream code means to. */
    static final class KeepingNioHandler extends NIOHandler {
        KeepingNioHandler(SIPTransactionStack sipStack, NioTcpMessageProcessor processor) {
            super(sipStack, processor);
        }

        @Override
        public SocketChannel createOrReuseSocket(InetAddress inetAddress, int port) throws IOException {
            return kept(super.createOrReuseSocket(inetAddress, port), inetAddress, port);
        }

        @Override
        public SocketChannel sendBytes(InetAddress senderAddress, InetAddress receiverAddress, int contactPort, String transport, byte[] bytes,
                                       boolean retry, gov.nist.javax.sip.stack.NioTcpMessageChannel messageChannel) throws IOException {
            return kept(super.sendBytes(senderAddress, receiverAddress, contactPort, transport, bytes, retry, messageChannel), receiverAddress, contactPort);
        }

        private SocketChannel kept(SocketChannel channel, InetAddress address, int port) {
            String key = makeKey(address, port);
            if (channel != null && channel.isOpen() && getSocket(key) != channel) putSocket(key, channel);
            return channel;
        }
    }

    static final class Tcp extends NioTcpMessageProcessor {
        Tcp(InetAddress ipAddress, SIPTransactionStack sipStack, int port) {
            super(ipAddress, sipStack, port);
            nioHandler = new KeepingNioHandler(sipStack, this);
        }
    }

    static final class Tls extends NioTlsMessageProcessor {
        Tls(InetAddress ipAddress, SIPTransactionStack sipStack, int port) {
            super(ipAddress, sipStack, port);
            nioHandler = new KeepingNioHandler(sipStack, this);
        }
    }
}
