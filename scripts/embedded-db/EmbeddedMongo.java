import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.AbstractMongoBackend;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;

import java.io.IOException;
import java.net.InetSocketAddress;

/**
 * Starts mongo-java-server with its oplog enabled, so that change streams work, on 127.0.0.1.
 *
 * Arguments: PORT [FILE]. Port 0 picks a free port. With FILE the data and the oplog are kept in an
 * H2 MVStore file and survive restarts; without it they live in memory. Prints "listening HOST:PORT"
 * once it accepts connections, and shuts down when its standard input closes, so it never outlives
 * the Node.js process that started it.
 */
public class EmbeddedMongo {
    public static void main(String[] args) throws Exception {
        if (args.length < 1 || args.length > 2) {
            System.err.println("usage: EmbeddedMongo PORT [FILE]");
            System.exit(2);
        }
        int port = Integer.parseInt(args[0]);
        AbstractMongoBackend backend = args.length == 2 ? new H2Backend(args[1]) : new MemoryBackend();
        backend.enableOplog();

        MongoServer server = new MongoServer(backend);
        server.bind("127.0.0.1", port);
        InetSocketAddress address = server.getLocalAddress();
        System.out.println("listening " + address.getHostString() + ":" + address.getPort());
        System.out.flush();

        Runtime.getRuntime().addShutdownHook(new Thread(server::shutdown));
        try {
            while (System.in.read() != -1) {
                // Input is ignored; only its end matters.
            }
        } catch (IOException e) {
            // A broken pipe means the parent is gone, the same as end of input.
        }
        System.exit(0);
    }
}
