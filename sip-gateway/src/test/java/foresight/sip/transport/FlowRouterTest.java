package foresight.sip.transport;

import org.junit.jupiter.api.Test;

import javax.sip.SipFactory;
import javax.sip.address.AddressFactory;
import javax.sip.address.SipURI;

import static org.assertj.core.api.Assertions.assertThat;

class FlowRouterTest {
    static SipURI uri(String s) throws Exception {
        SipFactory f = SipFactory.getInstance();
        f.setPathName("gov.nist");
        AddressFactory a = f.createAddressFactory();
        return (SipURI) a.createURI(s);
    }

    @Test
    void aBindingIsFoundWhateverTheCaseOfItsTransportAndItsOtherParameters() throws Exception {
        assertThat(FlowRouter.key(uri("sip:1001-0x55@127.0.0.1:43681;transport=TLS;ob")))
                .isEqualTo(FlowRouter.key(uri("sip:1001-0x55@127.0.0.1:43681;transport=tls")));
    }

    @Test
    void anotherPortTransportOrUserIsAnotherBinding() throws Exception {
        String key = FlowRouter.key(uri("sip:1001@127.0.0.1:43681;transport=tls"));
        assertThat(FlowRouter.key(uri("sip:1001@127.0.0.1:43680;transport=tls"))).isNotEqualTo(key);
        assertThat(FlowRouter.key(uri("sip:1001@127.0.0.1:43681;transport=tcp"))).isNotEqualTo(key);
        assertThat(FlowRouter.key(uri("sip:1002@127.0.0.1:43681;transport=tls"))).isNotEqualTo(key);
        assertThat(FlowRouter.key(uri("sips:1001@127.0.0.1:43681"))).isEqualTo(key);
    }
}
