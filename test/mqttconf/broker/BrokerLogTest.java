package mqttconf.broker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TimeZone;

import org.junit.jupiter.api.Test;

class BrokerLogTest {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyyMMdd HHmmss");

    @Test
    void timestampIsTheLocalDateAndTimeJavaTimeGives() {
        List<String> zones = List.of("UTC", "Europe/Berlin", "America/St_Johns", "Asia/Kolkata", "Pacific/Kiritimati",
                "Pacific/Pago_Pago", "Australia/Lord_Howe");
        SplittableRandom random = new SplittableRandom(16);
        for (String id : zones) {
            TimeZone zone = TimeZone.getTimeZone(id);
            for (int i = 0; i < 20_000; i++) {
                // 1900 to 2200: leap days, century years, daylight-saving changes, midnights.
                long millis = random.nextLong(-2_208_988_800_000L, 7_258_118_400_000L);
                if (i % 4 == 0) millis -= Math.floorMod(millis, 86_400_000L) + zone.getOffset(millis) - (i % 8) * 1000L;
                String expected = LocalDateTime.ofInstant(Instant.ofEpochMilli(millis), zone.toZoneId()).format(TIME);
                assertEquals(expected, BrokerLog.timestamp(millis, zone), id + " at " + millis);
            }
        }
    }
}
