package io.vhdflow.ops;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Routes held in memory, statuses changed the way Camel's route controller changes them, every action recorded. */
final class RecordedRoutes implements RouteTable {
    final Map<String, String> status = new LinkedHashMap<>();
    final List<String> actions = new ArrayList<>();

    RecordedRoutes() {
        status.put("intake", "Started");
        status.put("pipeline", "Started");
        status.put("api-jobs", "Started");
    }

    @Override
    public List<RouteView> routes() {
        List<RouteView> out = new ArrayList<>();
        status.forEach((id, s) -> out.add(new RouteView(id, "direct://" + id, s, 0, 0, 0, 0, Optional.empty(),
                Optional.empty(), servesApi(id))));
        return out;
    }

    @Override
    public boolean exists(String id) {
        return status.containsKey(id);
    }

    @Override
    public boolean servesApi(String id) {
        return id.startsWith("api-");
    }

    @Override
    public String control(String id, Action action) {
        actions.add(id + " " + action.label());
        status.put(id, switch (action) {
            case START, RESUME -> "Started";
            case STOP -> "Stopped";
            case SUSPEND -> "Suspended";
        });
        return status.get(id);
    }
}
