//! The vault: files on disk under a root, at paths derived only from UUIDs and a closed set
//! of extensions (never from user strings). Layout v2: `{shard}/{key}.{ext}` where the shard is
//! the first two SHA-256 bytes of the key string, each `& 0x3f`, as two-digit lowercase hex;
//! the p3a recomputes this itself. Writes are atomic (temp file, fsync, rename).
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};
use tokio::io::AsyncWriteExt;
use uuid::Uuid;

#[derive(Debug, thiserror::Error)]
pub enum VaultError {
    #[error("vault is full: writing would leave less than the free-space floor")]
    Full,
    #[error(transparent)]
    Io(#[from] std::io::Error),
}

/// File kinds the vault stores; the extension set is closed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ext {
    Png,
    Gif,
    Webp,
    Bmp,
    Jpg,
    /// The nearest-neighbour preview `{key}_upscaled.webp`.
    UpscaledWebp,
}

impl Ext {
    pub fn suffix(self) -> &'static str {
        match self {
            Ext::Png => ".png",
            Ext::Gif => ".gif",
            Ext::Webp => ".webp",
            Ext::Bmp => ".bmp",
            Ext::Jpg => ".jpg",
            Ext::UpscaledWebp => "_upscaled.webp",
        }
    }
}

/// Top-level areas: artwork sits at the root, avatars under `avatar/`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Area {
    Artwork,
    Avatar,
}

/// The v2 shard of a storage key, e.g. `24/07`.
pub fn shard(key: &Uuid) -> String {
    let d = Sha256::digest(key.to_string().as_bytes());
    format!("{:02x}/{:02x}", d[0] & 0x3f, d[1] & 0x3f)
}

/// Path of a file relative to the vault root (also its public URL path).
pub fn relative_path(area: Area, key: &Uuid, ext: Ext) -> String {
    let prefix = match area {
        Area::Artwork => "",
        Area::Avatar => "avatar/",
    };
    format!("{prefix}{}/{key}{}", shard(key), ext.suffix())
}

#[derive(Debug, Clone)]
pub struct Vault {
    root: PathBuf,
    min_free_bytes: u64,
}

impl Vault {
    pub fn new(root: impl Into<PathBuf>, min_free_bytes: u64) -> Self {
        Self {
            root: root.into(),
            min_free_bytes,
        }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    pub fn path(&self, area: Area, key: &Uuid, ext: Ext) -> PathBuf {
        self.root.join(relative_path(area, key, ext))
    }

    /// Writes the bytes atomically; refuses when the disk would drop below the floor.
    pub async fn write(
        &self,
        area: Area,
        key: &Uuid,
        ext: Ext,
        bytes: &[u8],
    ) -> Result<PathBuf, VaultError> {
        let path = self.path(area, key, ext);
        let dir = path
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_else(|| self.root.clone());
        // Checked on the root, before any shard directory is made, so a refused write leaves
        // nothing behind (the root itself is created on first use).
        tokio::fs::create_dir_all(&self.root).await?;
        let free = fs4::available_space(&self.root)?;
        if free.saturating_sub(bytes.len() as u64) < self.min_free_bytes {
            return Err(VaultError::Full);
        }
        tokio::fs::create_dir_all(&dir).await?;
        let tmp = dir.join(format!(".{key}{}.{}.tmp", ext.suffix(), std::process::id()));
        let mut f = tokio::fs::File::create(&tmp).await?;
        let res = async {
            f.write_all(bytes).await?;
            f.sync_all().await?;
            tokio::fs::rename(&tmp, &path).await
        }
        .await;
        if let Err(e) = res {
            let _ = tokio::fs::remove_file(&tmp).await;
            return Err(e.into());
        }
        Ok(path)
    }

    pub async fn read(&self, area: Area, key: &Uuid, ext: Ext) -> Result<Vec<u8>, VaultError> {
        Ok(tokio::fs::read(self.path(area, key, ext)).await?)
    }

    /// Deletes one file; a missing file is not an error (deletes are retried).
    pub async fn delete(&self, area: Area, key: &Uuid, ext: Ext) -> Result<(), VaultError> {
        match tokio::fs::remove_file(self.path(area, key, ext)).await {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(e.into()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shard_matches_reference_formula() {
        let key = Uuid::parse_str("00000000-0000-0000-0000-000000000000").unwrap();
        let d = Sha256::digest(b"00000000-0000-0000-0000-000000000000");
        assert_eq!(
            shard(&key),
            format!("{:02x}/{:02x}", d[0] & 0x3f, d[1] & 0x3f)
        );
        let s = shard(&Uuid::new_v4());
        assert_eq!(s.len(), 5);
        let (a, b) = s.split_once('/').unwrap();
        assert!(u8::from_str_radix(a, 16).unwrap() <= 0x3f);
        assert!(u8::from_str_radix(b, 16).unwrap() <= 0x3f);
    }

    #[tokio::test]
    async fn write_delete_and_floor() {
        let dir = tempfile::tempdir().unwrap();
        let v = Vault::new(dir.path(), 0);
        let k = Uuid::new_v4();
        let p = v.write(Area::Avatar, &k, Ext::Png, b"abc").await.unwrap();
        assert!(p.starts_with(dir.path().join("avatar")));
        assert_eq!(tokio::fs::read(&p).await.unwrap(), b"abc");
        v.delete(Area::Avatar, &k, Ext::Png).await.unwrap();
        v.delete(Area::Avatar, &k, Ext::Png).await.unwrap();
        assert!(!p.exists());
        let full = Vault::new(dir.path(), u64::MAX);
        assert!(matches!(
            full.write(Area::Artwork, &k, Ext::Png, b"x").await,
            Err(VaultError::Full)
        ));
    }
}
