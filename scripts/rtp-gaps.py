#!/usr/bin/env python3
"""RTP send interval at the receiver, from a pcap of what the callers received (scripts/bench speak).

  rtp-gaps.py FILE.pcap

Reads a classic pcap (tcpdump -w; link types Ethernet, Linux cooked v1 or raw IP), takes every UDP packet that
carries RTP version 2, groups them per stream (source address/port, destination address/port, SSRC) and prints one
line: the streams, packets, the gaps between consecutive packets of a stream pooled over all streams (p50, p99,
p99.9, max, in ms), the worst single stream's p99, and the packets missing by RTP sequence number. The first 2 s of
each stream are left out (the answer, the first prompt's start), as is the stream's end.
"""
import struct
import sys

WARMUP_S = 2.0


def packets(path):
    with open(path, "rb") as f:
        head = f.read(24)
        if len(head) < 24:
            return
        magic = struct.unpack("<I", head[:4])[0]
        if magic in (0xA1B2C3D4, 0xA1B23C4D):
            endian = "<"
        else:
            endian = ">"
            magic = struct.unpack(">I", head[:4])[0]
            if magic not in (0xA1B2C3D4, 0xA1B23C4D):
                sys.exit(f"rtp-gaps: {path} is not a classic pcap file (magic {head[:4].hex()})")
        nano = magic == 0xA1B23C4D
        linktype = struct.unpack(endian + "I", head[20:24])[0]
        offsets = {1: 14, 113: 16, 101: 0, 228: 0, 0: 4}
        if linktype not in offsets:
            sys.exit(f"rtp-gaps: link type {linktype} not supported")
        l2 = offsets[linktype]
        rec = struct.Struct(endian + "IIII")
        while True:
            h = f.read(16)
            if len(h) < 16:
                return
            sec, frac, caplen, _ = rec.unpack(h)
            data = f.read(caplen)
            t = sec + frac / (1e9 if nano else 1e6)
            ip = data[l2:]
            if len(ip) < 20 or ip[0] >> 4 != 4 or ip[9] != 17:
                continue
            ihl = (ip[0] & 0x0F) * 4
            udp = ip[ihl:]
            if len(udp) < 8 + 12:
                continue
            sport, dport = struct.unpack(">HH", udp[:4])
            rtp = udp[8:]
            if rtp[0] >> 6 != 2 or 192 <= rtp[1] <= 223:  # not RTP, or RTCP (packet types 192-223, RFC 5761 §4)
                continue
            seq = struct.unpack(">H", rtp[2:4])[0]
            ssrc = struct.unpack(">I", rtp[8:12])[0]
            yield t, (bytes(ip[12:16]), sport, bytes(ip[16:20]), dport, ssrc), seq


def quantile(sorted_values, q):
    if not sorted_values:
        return float("nan")
    i = min(len(sorted_values) - 1, max(0, int(round(q * (len(sorted_values) - 1)))))
    return sorted_values[i]


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: rtp-gaps.py FILE.pcap")
    streams = {}
    for t, key, seq in packets(sys.argv[1]):
        streams.setdefault(key, []).append((t, seq))
    gaps, worst_p99, lost, total = [], 0.0, 0, 0
    for pkts in streams.values():
        start = pkts[0][0]
        kept = [p for p in pkts if p[0] - start >= WARMUP_S]
        total += len(pkts)
        mine = []
        for (t0, s0), (t1, s1) in zip(kept, kept[1:]):
            mine.append((t1 - t0) * 1000.0)
            lost += max(0, ((s1 - s0) & 0xFFFF) - 1) if ((s1 - s0) & 0xFFFF) < 1000 else 0
        if len(mine) >= 100:
            mine.sort()
            worst_p99 = max(worst_p99, quantile(mine, 0.99))
        gaps.extend(mine)
    gaps.sort()
    if not gaps:
        print(f"rtp_streams={len(streams)} packets={total} gaps=0")
        return
    print("rtp_streams=%d packets=%d gap_p50_ms=%.2f gap_p99_ms=%.2f gap_p999_ms=%.2f gap_max_ms=%.2f worst_stream_p99_ms=%.2f lost=%d"
          % (len(streams), total, quantile(gaps, 0.5), quantile(gaps, 0.99), quantile(gaps, 0.999), gaps[-1], worst_p99, lost))


if __name__ == "__main__":
    main()
