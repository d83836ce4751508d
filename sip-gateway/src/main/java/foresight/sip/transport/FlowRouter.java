package foresight.sip.transport;

import gov.nist.javax.sip.stack.DefaultRouter;
import gov.nist.javax.sip.stack.HopImpl;

import javax.sip.SipException;
import javax.sip.SipStack;
import javax.sip.address.Hop;
import javax.sip.address.SipURI;
import javax.sip.header.RouteHeader;
import javax.sip.message.Request;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Sends requests for a phone registered over TCP or TLS down the connection it registered on (its flow, RFC 5626
 * §5.3: the source address and port the REGISTER came from), not to the Contact it advertises: a phone behind NAT,
 * or one that cannot accept TLS connections (no certificate of its own, as most softphones), is unreachable there.
 * Requests with a Route header, and to any other URI, go the way JAIN-SIP's {@link DefaultRouter} sends them. The
 * stack instantiates this class by name ({@code javax.sip.ROUTER_PATH}); the gateway reaches it through
 * {@code SipStack.getRouter()}. Flows live in this node's memory: the connection is here too.
 */
public final class FlowRouter extends DefaultRouter {
    private final Map<String, Hop> flows = new ConcurrentHashMap<>();

    public FlowRouter(SipStack sipStack, String defaultRoute) {
        super(sipStack, defaultRoute);
    }

    /** Requests to {@code contact} go to {@code host:port} over {@code transport} (tcp or tls) from now on. */
    public void bind(SipURI contact, String host, int port, String transport) {
        flows.put(key(contact), new HopImpl(host, port, transport.toLowerCase(Locale.ROOT)));
    }

    /** The phone unregistered {@code contact}: requests go to the contact itself again. */
    public void unbind(SipURI contact) {
        flows.remove(key(contact));
    }

    /** The connection from {@code host:port} failed: every flow over it is forgotten (the contacts are tried next). */
    public void forget(String host, int port) {
        flows.values().removeIf(h -> h.getHost().equals(host) && h.getPort() == port);
    }

    /** The flow for {@code contact}, or null. */
    public Hop flow(SipURI contact) {
        return flows.get(key(contact));
    }

    @Override
    public Hop getNextHop(Request request) throws SipException {
        if (request.getHeader(RouteHeader.NAME) == null && request.getRequestURI() instanceof SipURI uri) {
            Hop flow = flows.get(key(uri));
            if (flow != null) return flow;
        }
        return super.getNextHop(request);
    }

    /** user@host:port;transport, the parts that name one binding (other URI parameters vary between requests). */
    static String key(SipURI uri) {
        String transport = uri.getTransportParam() == null ? (uri.isSecure() ? "tls" : "udp") : uri.getTransportParam();
        return (uri.getUser() == null ? "" : uri.getUser()) + "@" + uri.getHost().toLowerCase(Locale.ROOT) + ":" + uri.getPort()
                + ";" + transport.toLowerCase(Locale.ROOT);
    }
}
