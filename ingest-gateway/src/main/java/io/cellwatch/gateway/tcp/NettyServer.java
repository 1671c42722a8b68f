package io.cellwatch.gateway.tcp;

import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;

/** Binds one TCP port (the rig protocol, or HTTP) and runs its event loops. */
public final class NettyServer implements AutoCloseable {
    private final EventLoopGroup boss = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final EventLoopGroup workers;
    private Channel serverChannel;

    /** @param workerThreads event loop threads for the connections (0 = Netty's default, 2 x cores) */
    public NettyServer(final int workerThreads) {
        this.workers = new MultiThreadIoEventLoopGroup(workerThreads, NioIoHandler.newFactory());
    }

    /** The event loops of the connections (for scheduled work such as the live feed's ticks). */
    public EventLoopGroup workers() {
        return workers;
    }

    /** Binds and returns the bound address (the real port when 0 was asked for). */
    public InetSocketAddress bind(final String host, final int port, final ChannelInitializer<SocketChannel> init)
        throws InterruptedException {
        serverChannel = new ServerBootstrap()
            .group(boss, workers)
            .channel(NioServerSocketChannel.class)
            .option(ChannelOption.SO_BACKLOG, 1024)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childHandler(init)
            .bind(host, port).sync().channel();
        return (InetSocketAddress) serverChannel.localAddress();
    }

    /** Stops accepting new connections; the open ones carry on (graceful shutdown, step 1). */
    public synchronized void stopAccepting() {
        if (serverChannel != null) {
            serverChannel.close().syncUninterruptibly();
            serverChannel = null; // closing twice (close() after stopAccepting()) is a no-op
        }
    }

    /** Stops accepting, closes every connection, stops the event loops. */
    @Override
    public void close() {
        stopAccepting();
        boss.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
