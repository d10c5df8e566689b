using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Chat.LoadTest.Chaos;

/// <summary>POSIX signals to a local process of the cluster: the faults of a chaos run (Linux).</summary>
public static partial class Signals
{
    private const int SigKill = 9, SigTerm = 15, SigCont = 18, SigStop = 19;

    /// <summary>Dies at once: no shutdown code runs (a crash, a node lost).</summary>
    public static void Kill(Process process) => Send(process, SigKill);

    /// <summary>Asked to stop: the graceful shutdown an orchestrator starts with.</summary>
    public static void Terminate(Process process) => Send(process, SigTerm);

    /// <summary>Stops answering for <paramref name="duration"/>, keeping its state and its connections (a stall).</summary>
    public static async Task FreezeAsync(Process process, TimeSpan duration)
    {
        Send(process, SigStop);
        try
        {
            await Task.Delay(duration);
        }
        finally
        {
            Send(process, SigCont);
        }
    }

    private static void Send(Process process, int signal)
    {
        if (SendSignal(process.Id, signal) != 0) throw new InvalidOperationException($"Signal {signal} to {process.Id} failed (errno {Marshal.GetLastPInvokeError()}).");
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int SendSignal(int pid, int signal);
}
