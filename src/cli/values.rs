//! Value parsers for flags whose Rust parse errors would otherwise reach the user
//! ("invalid digit found in string"): each says what the flag expects, for a network engineer.
//! clap adds the flag and the value (`invalid value '443-444' for '--port <PORT>': …`).

use std::net::IpAddr;

/// One port of one packet (`trace --port`, `--src-port`).
pub fn port(text: &str) -> Result<u16, String> {
    let t = text.trim();
    if let Ok(p) = t.parse::<u16>() {
        return Ok(p);
    }
    if t.contains('-') {
        return Err(
            "expected one port number 0-65535: trace follows one packet, which has one port (`query` takes a range N-M)"
                .into(),
        );
    }
    Err("expected a port number 0-65535".into())
}

/// One IPv4 or IPv6 address (`trace --src-ip`, `--dst-ip`).
pub fn ip(text: &str) -> Result<IpAddr, String> {
    let t = text.trim();
    if let Ok(a) = t.parse::<IpAddr>() {
        return Ok(a);
    }
    if t.contains('/') {
        return Err(
            "expected one address, not a block: trace follows one packet (an address such as 10.0.1.5 or 2600:1f18::5)"
                .into(),
        );
    }
    Err("expected an IPv4 or IPv6 address such as 10.0.1.5 or 2600:1f18::5".into())
}

/// A number of worker threads (`check --jobs`).
pub fn jobs(text: &str) -> Result<std::num::NonZeroUsize, String> {
    text.trim()
        .parse::<std::num::NonZeroUsize>()
        .map_err(|_| "expected a number of worker threads, 1 or more".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_say_what_is_expected() {
        assert_eq!(port("443"), Ok(443));
        assert!(port("443-444").unwrap_err().contains("one port number"));
        assert_eq!(port("70000").unwrap_err(), "expected a port number 0-65535");
        assert!(
            ip("10.0.1.300")
                .unwrap_err()
                .starts_with("expected an IPv4 or IPv6 address")
        );
        assert!(ip("10.0.1.0/24").unwrap_err().contains("not a block"));
        assert!(jobs("0").unwrap_err().contains("1 or more"));
    }
}
