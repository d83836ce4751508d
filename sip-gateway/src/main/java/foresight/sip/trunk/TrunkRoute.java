package foresight.sip.trunk;

/** Where one dialled number goes: the trunk and the number in E.164 form. */
public record TrunkRoute(Trunk trunk, String e164) {
    /** The INVITE's Request-URI. */
    public String requestUri() { return trunk.requestUri(e164); }
}
