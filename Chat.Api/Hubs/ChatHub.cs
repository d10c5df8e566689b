using Chat.Api.Contracts;
using Chat.Api.Groups;
using Chat.Api.Identity;
using Chat.Api.Infrastructure;
using Chat.Api.Messaging;
using Chat.Api.Presence;
using Chat.Api.Realtime;
using Chat.Api.Security;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;

namespace Chat.Api.Hubs;

/// <summary>
/// The live channel (docs/api.md, Live events), the hub's counterpart of an <c>Apis/</c> file:
/// it only translates calls to the services and their <see cref="Validation.ClientError"/> to a
/// HubException. Connections may land on any replica; events reach them through
/// <see cref="ChatNotifier"/>. Services a method needs come as its parameters (from DI); each call
/// has a deadline (<see cref="DependencyFailures.Deadline"/>), like a REST request.
/// </summary>
public sealed class ChatHub(PresenceTracker presence, ConnectionRegistry connections, GroupMembers groups, IOptions<RateLimitOptions> limits)
    : Hub<IChatClient>
{
    public const string Path = "/hubs/chat";

    private string UserId => Context.User!.UserId();

    private string? SessionId => Context.User!.SessionId();

    public override async Task OnConnectedAsync()
    {
        // A cap across replicas (presence counts every connection of the user in Redis).
        if (!await presence.ConnectedAsync(Context.ConnectionId, UserId, SessionId, limits.Value.MaxConnectionsPerUser))
        {
            throw new HubException($"Too many open connections: at most {limits.Value.MaxConnectionsPerUser} per user. Close a tab or device.");
        }
        connections.Opened(Context, UserId, SessionId);
        // Registered first, so a membership change from now on reaches this connection too.
        await groups.ConnectedAsync(Context.ConnectionId, UserId, Context.ConnectionAborted);
    }

    public override Task OnDisconnectedAsync(Exception? exception)
    {
        // A connection refused at the cap was never registered: nothing to undo.
        if (!connections.Closed(Context)) return Task.CompletedTask;
        return presence.DisconnectedAsync(Context.ConnectionId, UserId, SessionId);
    }

    /// <summary>Round-trip check; answers with the id of the replica holding this connection.</summary>
    public string Ping(ApiInstance instance) => instance.Id;

    public async Task<MessageResponse> SendMessage(string peerId, SendMessageRequest request, MessageSender sender)
    {
        using var deadline = DependencyFailures.Deadline(Context.ConnectionAborted, DependencyFailures.SendTimeout);
        var (sent, error) = await sender.SendAsync(UserId, ConversationRef.Pair(peerId), request, deadline.Token);
        return error is null ? sent!.Message : throw error.ToHubException();
    }

    public async Task<MessageResponse> SendGroupMessage(string groupId, SendMessageRequest request, MessageSender sender)
    {
        using var deadline = DependencyFailures.Deadline(Context.ConnectionAborted, DependencyFailures.SendTimeout);
        var (sent, error) = await sender.SendAsync(UserId, ConversationRef.Group(groupId), request, deadline.Token);
        return error is null ? sent!.Message : throw error.ToHubException();
    }

    /// <summary>The client received a pushed message (delivery receipts, for the latency histogram).</summary>
    public void ConfirmDelivery(string messageId, DateTime createdAt, DeliveryReceipts receipts) =>
        receipts.Confirm(messageId, createdAt, (ISet<string>)(Context.Items[nameof(ConfirmDelivery)] ??= new HashSet<string>()));

    public async Task MarkRead(string peerId, long seq, ReadMarks reads)
    {
        using var deadline = DependencyFailures.Deadline(Context.ConnectionAborted);
        if (await reads.MarkReadAsync(UserId, ConversationRef.Pair(peerId), seq, deadline.Token) is { } error) throw error.ToHubException();
    }

    public async Task MarkGroupRead(string groupId, long seq, ReadMarks reads)
    {
        using var deadline = DependencyFailures.Deadline(Context.ConnectionAborted);
        if (await reads.MarkReadAsync(UserId, ConversationRef.Group(groupId), seq, deadline.Token) is { } error) throw error.ToHubException();
    }

    /// <summary>Adds (<paramref name="on"/>) or removes the caller's reaction, like PUT/DELETE /api/messages/{id}/reactions/{emoji}.</summary>
    public async Task<MessageResponse> React(string messageId, string emoji, bool on, Reactions reactions)
    {
        using var deadline = DependencyFailures.Deadline(Context.ConnectionAborted);
        var (message, error) = await reactions.SetAsync(UserId, messageId, emoji, on, deadline.Token);
        return error is null ? message! : throw error.ToHubException();
    }

    public async Task Typing(string peerId, TypingSignals typing)
    {
        using var deadline = DependencyFailures.Deadline(Context.ConnectionAborted);
        if (await typing.TypingAsync(UserId, ConversationRef.Pair(peerId), deadline.Token) is { } error) throw error.ToHubException();
    }

    public async Task GroupTyping(string groupId, TypingSignals typing)
    {
        using var deadline = DependencyFailures.Deadline(Context.ConnectionAborted);
        if (await typing.TypingAsync(UserId, ConversationRef.Group(groupId), deadline.Token) is { } error) throw error.ToHubException();
    }
}
