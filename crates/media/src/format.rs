//! The four artwork formats: naming them from a file name and recognising them from magic bytes.

/// An artwork file format (the upload whitelist of `domain::limits::UPLOAD_FORMATS`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    Png,
    Gif,
    Webp,
    Bmp,
}

impl Format {
    pub const ALL: [Format; 4] = [Format::Png, Format::Gif, Format::Webp, Format::Bmp];

    /// The lower-case extension without a dot, as stored in `post_files` and vault paths.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Png => "png",
            Format::Gif => "gif",
            Format::Webp => "webp",
            Format::Bmp => "bmp",
        }
    }

    pub fn mime(self) -> &'static str {
        match self {
            Format::Png => "image/png",
            Format::Gif => "image/gif",
            Format::Webp => "image/webp",
            Format::Bmp => "image/bmp",
        }
    }

    /// Upper-case name for human messages.
    pub fn name(self) -> &'static str {
        match self {
            Format::Png => "PNG",
            Format::Gif => "GIF",
            Format::Webp => "WebP",
            Format::Bmp => "BMP",
        }
    }

    /// The format named by a bare extension (`"PNG"`, `"webp"`), case-insensitively.
    pub fn from_extension(ext: &str) -> Option<Format> {
        Format::ALL
            .into_iter()
            .find(|f| f.extension().eq_ignore_ascii_case(ext))
            .filter(|f| domain::limits::UPLOAD_FORMATS.contains(&f.extension()))
    }

    /// The format named by the last extension of a file name (`"cat.final.PNG"` is PNG).
    pub fn from_filename(filename: &str) -> Option<Format> {
        let (_, ext) = filename.rsplit_once('.')?;
        Format::from_extension(ext)
    }

    /// The format the first bytes announce, whatever the file is called.
    pub fn sniff(bytes: &[u8]) -> Option<Format> {
        if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
            Some(Format::Png)
        } else if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
            Some(Format::Gif)
        } else if bytes.len() >= 12 && bytes.starts_with(b"RIFF") && &bytes[8..12] == b"WEBP" {
            Some(Format::Webp)
        } else if bytes.starts_with(b"BM") {
            Some(Format::Bmp)
        } else {
            None
        }
    }
}

impl std::fmt::Display for Format {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_from_filenames() {
        assert_eq!(Format::from_filename("a.PNG"), Some(Format::Png));
        assert_eq!(Format::from_filename("a.b.WebP"), Some(Format::Webp));
        assert_eq!(Format::from_filename("x.jpg"), None);
        assert_eq!(Format::from_filename("png"), None);
        assert_eq!(Format::from_filename("a.png "), None);
    }

    #[test]
    fn sniffs_magic() {
        assert_eq!(Format::sniff(b"GIF89a...."), Some(Format::Gif));
        assert_eq!(Format::sniff(b"RIFF\0\0\0\0WEBPVP8 "), Some(Format::Webp));
        assert_eq!(Format::sniff(b"RIFF\0\0\0\0WAVE"), None);
        assert_eq!(Format::sniff(b"\xff\xd8\xff"), None);
    }
}
