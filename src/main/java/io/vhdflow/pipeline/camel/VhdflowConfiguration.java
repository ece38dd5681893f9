package io.vhdflow.pipeline.camel;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.vhdflow.ops.camel.OpsBeans;
import io.vhdflow.pipeline.PipelineServices;
import io.vhdflow.pipeline.Settings;
import io.vhdflow.pipeline.Stage;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import org.apache.camel.spi.Registry;
import org.apache.camel.support.service.ServiceSupport;

import java.util.Optional;
import java.util.Properties;

/**
 * The composition root: opens the plain-Java services for the configured home and binds the thin
 * Camel adapters that the YAML routes name ({@code ref: backupStage}, ...).
 */
public final class VhdflowConfiguration implements CamelConfiguration {

    @Override
    public void configure(CamelContext context) throws Exception {
        Properties props = context.getPropertiesComponent().loadProperties(k -> k.startsWith("vhdflow."));
        Settings settings = Settings.from(props);
        PipelineServices s = PipelineServices.open(settings);
        context.addService(new ServiceSupport() {
            @Override
            protected void doStop() throws Exception {
                s.close();
            }
        }, true, true);

        ObjectMapper json = s.json();
        Registry r = context.getRegistry();
        r.bind("settings", settings);
        r.bind("journal", s.journal());
        r.bind("catalog", s.catalog());
        r.bind("dropFileFilter", new DropFileFilter(settings.readyMarker()));
        r.bind("dropFolderErrors", new DropFolderErrors(settings.home().drop()));
        r.bind("intake", new IntakeProcessor(s.intake()));
        r.bind("folderIntake", s.folderIntake());
        r.bind("batchCollector", new BatchCollector(settings, s.intake(), s.journal()));
        r.bind("fetchStage", new StageProcessor(s.runner(), Stage.FETCH, s.fetchStage()));
        r.bind("backupStage", new StageProcessor(s.runner(), Stage.BACKUP, s.backupStage()));
        r.bind("duplicateCheck", new JobStepProcessor("duplicateCheck", s.duplicateCheck()::run));
        r.bind("verifyStage", new StageProcessor(s.runner(), Stage.VERIFY, s.verifyStage()));
        r.bind("packageStage", new StageProcessor(s.runner(), Stage.PACKAGE, s.packageStage()));
        r.bind("registerStage", new StageProcessor(s.runner(), Stage.REGISTER, s.registerStage()));
        r.bind("jobCompletion", new JobStepProcessor("jobCompletion", s.completion()::run));
        r.bind("jobFailure", new JobFailureProcessor(s.failure(), s.journal()));
        r.bind("claimJob", new JobClaimProcessor(s.claims(), s.journal()));
        // With the shared database a live node takes over a dead node's unfinished jobs. With a broker, the
        // broker also delivers the dead worker's uncommitted message again; the take-over still matters for a
        // job whose node died between recording it and publishing its message. Claims keep either from
        // running a job twice.
        boolean shared = settings.scaleOut().shared();
        r.bind("jobResumer", new JobResumer(s.journal(), s.nodes(), s.claims(), shared, shared));
        settings.scaleOut().broker().ifPresent(url -> {
            JmsWorkQueue.bind(context, url);
            r.bind("deadLetter", new DeadLetterProcessor(s.failure(), s.journal()));
        });
        Optional<LeaderRole> leader = settings.scaleOut().shared()
                ? Optional.of(LeaderRole.join(context, settings.home().data(), settings.scaleOut().nodeId()))
                : Optional.empty();
        OpsBeans.bind(context, s, settings, props, leader.map(l -> l::intakeLeader));
    }
}
