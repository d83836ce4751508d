package foresight.sip;

import gov.nist.javax.sip.message.SIPMessage;
import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.parser.MessageParser;
import gov.nist.javax.sip.parser.MessageParserFactory;
import gov.nist.javax.sip.parser.ParseExceptionListener;
import gov.nist.javax.sip.parser.StringMsgParser;
import gov.nist.javax.sip.stack.SIPTransactionStack;

import java.text.ParseException;

/**
 * JAIN-SIP's message parser, keeping a request's real SIP version. The RI's parser builds (and then forgets to throw)
 * its "Expecting SIP/2.0" error and records every request as SIP/2.0, so a {@code SIP/3.0} INVITE would be served like
 * any other; with the version kept, {@link SipGateway} answers it 505 (RFC 3261 §8.2.2). Named in the stack property
 * {@code gov.nist.javax.sip.MESSAGE_PARSER_FACTORY}; parsers are used on the stack's I/O threads, one per channel.
 */
public final class VersionKeepingParserFactory implements MessageParserFactory {
    @Override
    public MessageParser createMessageParser(SIPTransactionStack stack) { return new VersionKeepingParser(); }

    private static final class VersionKeepingParser extends StringMsgParser {
        @Override
        protected SIPMessage processFirstLine(String firstLine, ParseExceptionListener listener, byte[] raw) throws ParseException {
            SIPMessage m = super.processFirstLine(firstLine, listener, raw);
            if (m instanceof SIPRequest r && r.getRequestLine() != null) {
                String line = firstLine.trim();
                String version = line.substring(line.lastIndexOf(' ') + 1);
                if (!"SIP/2.0".equalsIgnoreCase(version)) r.getRequestLine().setSipVersion(version);
            }
            return m;
        }
    }
}
