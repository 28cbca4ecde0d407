//! Who is on the other end of a request: the client address used for rate limits and logs.

use std::net::IpAddr;

use actix_web::HttpRequest;

/// The address a request comes from, for the rate limits and the audit log: the peer, or,
/// when the peer is one of our reverse proxies (`LENTERA_TRUSTED_PROXIES`), the nearest
/// address in `X-Forwarded-For` that is not one of them. Entries further left were written
/// by the client and could say anything, so they are never used.
pub fn client_address(req: &HttpRequest, trusted: &[IpAddr]) -> String {
    let Some(peer) = req.peer_addr().map(|a| a.ip()) else {
        return "unknown".to_owned();
    };
    if !trusted.contains(&peer) {
        return peer.to_string();
    }
    let forwarded: Vec<&str> = req
        .headers()
        .get_all("x-forwarded-for")
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .collect();
    for entry in forwarded.iter().rev() {
        match entry.parse::<IpAddr>() {
            Ok(ip) if trusted.contains(&ip) => continue,
            Ok(ip) => return ip.to_string(),
            // Our proxy wrote something that is not an address: count it as the proxy.
            Err(_) => break,
        }
    }
    peer.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::test::TestRequest;

    fn address(peer: &str, forwarded: &[&str], trusted: &[&str]) -> String {
        let mut req =
            TestRequest::default().peer_addr(peer.parse().unwrap_or_else(|e| panic!("{e}")));
        for f in forwarded {
            req = req.append_header(("x-forwarded-for", *f));
        }
        let trusted: Vec<IpAddr> = trusted
            .iter()
            .map(|t| t.parse().unwrap_or_else(|e| panic!("{e}")))
            .collect();
        client_address(&req.to_http_request(), &trusted)
    }

    #[test]
    fn forwarded_addresses_only_from_trusted_proxies() {
        // No proxy configured: the header is ignored.
        assert_eq!(
            address("198.51.100.7:5000", &["203.0.113.9"], &[]),
            "198.51.100.7"
        );
        // Behind the proxy: the address it saw.
        let proxy = ["10.0.0.2"];
        assert_eq!(
            address("10.0.0.2:5000", &["203.0.113.9"], &proxy),
            "203.0.113.9"
        );
        // What the client wrote itself (to the left) is not believed.
        assert_eq!(
            address("10.0.0.2:5000", &["1.2.3.4, 203.0.113.9"], &proxy),
            "203.0.113.9"
        );
        assert_eq!(
            address("10.0.0.2:5000", &["1.2.3.4", "203.0.113.9"], &proxy),
            "203.0.113.9"
        );
        // Two proxies in a row are both skipped.
        assert_eq!(
            address(
                "10.0.0.2:5000",
                &["203.0.113.9, 10.0.0.3"],
                &["10.0.0.2", "10.0.0.3"]
            ),
            "203.0.113.9"
        );
        // A proxy that forwards nothing, or garbage, is counted as itself.
        assert_eq!(address("10.0.0.2:5000", &[], &proxy), "10.0.0.2");
        assert_eq!(
            address("10.0.0.2:5000", &["bukan-alamat"], &proxy),
            "10.0.0.2"
        );
        // A client naming the proxy does not get past it: the header is ignored.
        assert_eq!(
            address("198.51.100.7:5000", &["10.0.0.2"], &proxy),
            "198.51.100.7"
        );
    }
}
