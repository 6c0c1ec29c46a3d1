package io.dualwrite.sample;

import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** Switches the demo traffic on and off: {@code POST /traffic {"enabled": true, "rate": 50}}. */
@RestController
@RequestMapping("/traffic")
class TrafficController {

    private final TrafficGenerator traffic;

    TrafficController(TrafficGenerator traffic) {
        this.traffic = traffic;
    }

    /** The body of a POST: whether to run, and at how many operations per second (default: the current rate). */
    record TrafficBody(Boolean enabled, Integer rate) {}

    @GetMapping
    TrafficGenerator.Status status() {
        return traffic.status();
    }

    @PostMapping
    ResponseEntity<?> change(@RequestBody TrafficBody body) {
        if (body.enabled() == null) {
            return ResponseEntity.badRequest().body(java.util.Map.of("error", "give \"enabled\": true or false"));
        }
        try {
            return ResponseEntity.ok(
                    body.enabled()
                            ? traffic.start(
                                    body.rate() != null
                                            ? body.rate()
                                            : traffic.status().ratePerSecond())
                            : traffic.stop());
        } catch (IllegalArgumentException e) {
            return ResponseEntity.badRequest().body(java.util.Map.of("error", e.getMessage()));
        }
    }
}
