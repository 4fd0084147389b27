package io.ledgerjdbc.driver;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

/**
 * What went wrong with a file, in words. Java's file exceptions often carry only the path as their message
 * ({@code NoSuchFileException: digests.jsonl}), which tells a user nothing; this names the problem too.
 */
public final class FileErrors {

    private FileErrors() {
    }

    /** {@code "PATH: no such file or directory"}, {@code "PATH: permission denied"}, …; never just the path. */
    public static String describe(IOException e) {
        if (e instanceof FileSystemException f && f.getFile() != null) {
            String what = e instanceof NoSuchFileException ? "no such file or directory"
                    : e instanceof AccessDeniedException ? "permission denied"
                    : e instanceof FileAlreadyExistsException ? "already exists"
                    : e instanceof NotDirectoryException ? "not a directory"
                    : e instanceof DirectoryNotEmptyException ? "directory not empty"
                    : f.getReason() != null ? f.getReason() : "cannot be used (" + e.getClass().getSimpleName() + ")";
            return f.getFile() + (f.getOtherFile() != null ? " -> " + f.getOtherFile() : "") + ": " + what;
        }
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
    }
}
