//! Sending attachments through the room send queue, with image thumbnails made here.
