pub mod encrypted_dir;
pub mod encrypted_stream;
