package io.vhdflow.pipeline.camel;

import io.vhdflow.pipeline.IntakeService;
import org.apache.camel.component.file.GenericFile;
import org.apache.camel.component.file.GenericFileFilter;

import java.io.File;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Lets the drop-folder consumer see only regular {@code .vhd} files. Symbolic links, FIFOs,
 * devices and directories are refused here, before the consumer's read lock could open them, and
 * logged once each (the folder is polled every second).
 */
public final class DropFileFilter implements GenericFileFilter<File> {
    private static final System.Logger LOG = System.getLogger(DropFileFilter.class.getName());
    private static final int REMEMBERED = 1000;

    private final boolean readyMarker;
    private final Set<String> logged = Collections.newSetFromMap(Collections.synchronizedMap(
            new LinkedHashMap<>(16, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Boolean> e) {
                    return size() > REMEMBERED;
                }
            }));

    /** @param readyMarker when true, a file is taken only once {@code NAME.vhd.ready} exists beside it */
    public DropFileFilter(boolean readyMarker) {
        this.readyMarker = readyMarker;
    }

    @Override
    public boolean accept(GenericFile<File> file) {
        if (file.isDirectory()) {
            return false;
        }
        Optional<String> refusal = IntakeService.refusal(file.getFile().toPath());
        if (refusal.isPresent()) {
            if (logged.add(file.getAbsoluteFilePath())) {
                LOG.log(System.Logger.Level.WARNING, "refused {0}: {1}", file.getAbsoluteFilePath(), refusal.get());
            }
            return false;
        }
        return !readyMarker || new File(file.getFile().getPath() + ".ready").isFile();
    }
}
