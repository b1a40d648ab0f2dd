//! Image inspection over bytes: no IO, no storage. Today it checks avatars (format by magic
//! bytes, then a header decode so a renamed or truncated file is refused before it is stored).
use std::io::Cursor;

use image::ImageReader;

mod decode;
pub mod format;
pub mod inspect;
pub mod render;
#[cfg(test)]
mod testutil;

pub use format::Format;
pub use inspect::{inspect, InspectError, Inspection};

/// Formats accepted for avatars; bytes are stored as uploaded, so animation survives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AvatarFormat {
    Png,
    Jpeg,
    Gif,
    Webp,
}

impl AvatarFormat {
    fn image_format(self) -> image::ImageFormat {
        match self {
            AvatarFormat::Png => image::ImageFormat::Png,
            AvatarFormat::Jpeg => image::ImageFormat::Jpeg,
            AvatarFormat::Gif => image::ImageFormat::Gif,
            AvatarFormat::Webp => image::ImageFormat::WebP,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImageInfo {
    pub format: AvatarFormat,
    pub width: u32,
    pub height: u32,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum MediaError {
    #[error("unsupported image format; use PNG, JPEG, GIF or WebP")]
    Unsupported,
    #[error("the image could not be read")]
    Corrupt,
}

/// The format named by the file's first bytes, whatever its name or declared type says.
pub fn sniff(bytes: &[u8]) -> Option<AvatarFormat> {
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some(AvatarFormat::Png)
    } else if bytes.starts_with(&[0xff, 0xd8, 0xff]) {
        Some(AvatarFormat::Jpeg)
    } else if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
        Some(AvatarFormat::Gif)
    } else if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        Some(AvatarFormat::Webp)
    } else {
        None
    }
}

/// Checks an avatar: a known magic number and a header the decoder accepts, with non-zero size.
pub fn inspect_avatar(bytes: &[u8]) -> Result<ImageInfo, MediaError> {
    let format = sniff(bytes).ok_or(MediaError::Unsupported)?;
    let (width, height) = ImageReader::with_format(Cursor::new(bytes), format.image_format())
        .into_dimensions()
        .map_err(|_| MediaError::Corrupt)?;
    if width == 0 || height == 0 {
        return Err(MediaError::Corrupt);
    }
    Ok(ImageInfo {
        format,
        width,
        height,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn encode(format: image::ImageFormat) -> Vec<u8> {
        let img = image::RgbaImage::from_pixel(3, 2, image::Rgba([10, 20, 30, 255]));
        let mut out = Cursor::new(Vec::new());
        let img = image::DynamicImage::ImageRgba8(img);
        let img = if format == image::ImageFormat::Jpeg {
            image::DynamicImage::ImageRgb8(img.to_rgb8())
        } else {
            img
        };
        img.write_to(&mut out, format).unwrap();
        out.into_inner()
    }

    #[test]
    fn accepts_the_four_formats() {
        for (f, want) in [
            (image::ImageFormat::Png, AvatarFormat::Png),
            (image::ImageFormat::Jpeg, AvatarFormat::Jpeg),
            (image::ImageFormat::Gif, AvatarFormat::Gif),
            (image::ImageFormat::WebP, AvatarFormat::Webp),
        ] {
            let info = inspect_avatar(&encode(f)).unwrap();
            assert_eq!(info.format, want);
            assert_eq!((info.width, info.height), (3, 2));
        }
    }

    #[test]
    fn refuses_garbage_and_truncated_headers() {
        assert_eq!(inspect_avatar(b"hello world"), Err(MediaError::Unsupported));
        assert_eq!(inspect_avatar(b""), Err(MediaError::Unsupported));
        let png = encode(image::ImageFormat::Png);
        assert_eq!(inspect_avatar(&png[..12]), Err(MediaError::Corrupt));
        let mut bad = b"\x89PNG\r\n\x1a\n".to_vec();
        bad.extend_from_slice(&[0u8; 64]);
        assert_eq!(inspect_avatar(&bad), Err(MediaError::Corrupt));
    }
}
