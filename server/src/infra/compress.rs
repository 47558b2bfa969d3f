//! Content encodings for static assets: compressing once, and picking what a client takes.

use std::io::Write;

/// An encoding the server can send.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Brotli,
    Gzip,
    Identity,
}

impl Encoding {
    pub fn header_value(self) -> Option<&'static str> {
        match self {
            Encoding::Brotli => Some("br"),
            Encoding::Gzip => Some("gzip"),
            Encoding::Identity => None,
        }
    }
}

/// Brotli at its best quality: assets are compressed once, so size beats speed.
pub fn brotli(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(data.len() / 3);
    {
        let mut writer = brotli::CompressorWriter::new(&mut out, 64 * 1024, 11, 22);
        writer
            .write_all(data)
            .expect("writing to a Vec cannot fail");
    }
    out
}

pub fn gzip(data: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(
        Vec::with_capacity(data.len() / 3),
        flate2::Compression::best(),
    );
    encoder
        .write_all(data)
        .expect("writing to a Vec cannot fail");
    encoder.finish().expect("writing to a Vec cannot fail")
}

/// Whether compressing a body of this media type is worth it.
pub fn is_compressible(content_type: &str) -> bool {
    let base = content_type.split(';').next().unwrap_or("").trim();
    base.starts_with("text/")
        || matches!(
            base,
            "application/javascript"
                | "application/json"
                | "application/wasm"
                | "application/xml"
                | "image/svg+xml"
                | "application/manifest+json"
        )
}

/// Picks the best encoding that the `Accept-Encoding` header allows and that exists.
/// Brotli wins over gzip at equal preference; `q=0` refuses an encoding, and `*` stands
/// for any encoding the header does not name.
pub fn choose(accept_encoding: Option<&str>, have_br: bool, have_gzip: bool) -> Encoding {
    let Some(header) = accept_encoding else {
        return Encoding::Identity;
    };
    let mut br_q = None;
    let mut gzip_q = None;
    let mut star_q = None;
    for item in header.split(',') {
        let mut parts = item.split(';');
        let name = parts.next().unwrap_or("").trim().to_ascii_lowercase();
        let q = parts
            .filter_map(|p| p.trim().strip_prefix("q="))
            .filter_map(|v| v.trim().parse::<f32>().ok())
            .next()
            .unwrap_or(1.0);
        match name.as_str() {
            "br" => br_q = Some(q),
            "gzip" | "x-gzip" => gzip_q = Some(q),
            "*" => star_q = Some(q),
            _ => {}
        }
    }
    let br = if have_br {
        br_q.or(star_q).unwrap_or(0.0)
    } else {
        0.0
    };
    let gz = if have_gzip {
        gzip_q.or(star_q).unwrap_or(0.0)
    } else {
        0.0
    };
    if br > 0.0 && br >= gz {
        Encoding::Brotli
    } else if gz > 0.0 {
        Encoding::Gzip
    } else {
        Encoding::Identity
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    #[test]
    fn compressed_forms_round_trip() {
        let data = b"wharf ".repeat(1000);
        let br = brotli(&data);
        assert!(br.len() < data.len() / 10);
        let mut back = Vec::new();
        brotli::Decompressor::new(&br[..], 4096)
            .read_to_end(&mut back)
            .unwrap();
        assert_eq!(back, data);
        let gz = gzip(&data);
        let mut back = Vec::new();
        flate2::read::GzDecoder::new(&gz[..])
            .read_to_end(&mut back)
            .unwrap();
        assert_eq!(back, data);
    }

    #[test]
    fn encoding_choice_follows_the_header() {
        use Encoding::*;
        assert_eq!(choose(None, true, true), Identity);
        assert_eq!(choose(Some("gzip, deflate, br"), true, true), Brotli);
        assert_eq!(choose(Some("gzip, deflate, br"), false, true), Gzip);
        assert_eq!(choose(Some("gzip"), true, true), Gzip);
        assert_eq!(choose(Some("br;q=0, gzip"), true, true), Gzip);
        assert_eq!(choose(Some("br;q=0.5, gzip;q=0.8"), true, true), Gzip);
        assert_eq!(choose(Some("*"), true, true), Brotli);
        assert_eq!(choose(Some("identity"), true, true), Identity);
        assert_eq!(choose(Some("br"), false, false), Identity);
        assert_eq!(choose(Some("*;q=0"), true, true), Identity);
    }

    #[test]
    fn only_textual_and_wasm_types_are_compressed() {
        assert!(is_compressible("text/html; charset=utf-8"));
        assert!(is_compressible("application/wasm"));
        assert!(is_compressible("application/javascript"));
        assert!(is_compressible("image/svg+xml"));
        assert!(!is_compressible("image/png"));
        assert!(!is_compressible("application/octet-stream"));
    }
}
