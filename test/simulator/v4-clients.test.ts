/**
 * Replays of what real v4 clients send (the official Python SDK 4.6, its
 * example scripts, Ansible's ovirt.ovirt modules), request line, headers and
 * body as they send them, against the simulator as a v4-only engine, and
 * the answer the real engine gives: status, shape and words (issue 22). The
 * engine's behaviour each row copies is named beside it; docs/protocol.md
 * §13 keeps the list.
 */
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { v4PostCoverage } from '../../src/simulator/coverage.ts';
import type { Simulator } from '../../src/simulator/index.ts';
import { type Answer, api, SMALL, simulator } from '../helpers.ts';

let sim: Simulator;
let bearer: string;
beforeAll(async () => {
  sim = await simulator({ ...SMALL, dialects: 'v4' });
  const res = await fetch(`${sim.url}/ovirt-engine/sso/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: 'grant_type=password&scope=ovirt-app-api&username=admin%40internal&password=admin',
  });
  bearer = ((await res.json()) as { access_token: string }).access_token;
});
afterAll(() => sim.close());

/** A request as the Python SDK sends it: Version 4, XML both ways, the SSO token. */
function sdk(method: string, path: string, body?: string): Promise<Answer> {
  return api(sim, method, path, {
    root: '/ovirt-engine/api',
    body,
    headers: {
      authorization: `Bearer ${bearer}`,
      version: '4',
      accept: 'application/xml',
      'user-agent': 'PythonSDK/4.6.2',
      ...(body !== undefined ? { 'content-type': 'application/xml' } : {}),
    },
  });
}

const fault = (a: Answer) => ({
  reason: /<reason>([^<]*)<\/reason>/.exec(a.text)?.[1],
  detail: /<detail>([^<]*)<\/detail>/.exec(a.text)?.[1],
});

describe('faults as the engine words them (BaseBackendResource, CompletenessAssertor, asGuidOr404)', () => {
  it('a VM added without a cluster is 400 Incomplete parameters naming what v4 requires', async () => {
    const a = await sdk('POST', '/vms', '<vm><name>sdk-nocluster</name><template><name>Blank</name></template></vm>');
    expect(a.status).toBe(400);
    expect(fault(a)).toEqual({ reason: 'Incomplete parameters', detail: 'Vm [cluster.id|name] required for add' });
  });

  it('a VM added with a cluster and no template gets Blank, as v4 does', async () => {
    const cluster = /<cluster[^>]* id="([^"]+)"/.exec((await sdk('GET', '/clusters')).text)![1];
    const a = await sdk('POST', '/vms', `<vm><name>sdk-blank</name><cluster id="${cluster}"/></vm>`);
    expect(a.status).toBe(201);
    expect(a.text).toMatch(/<template href="[^"]+" id="00000000-0000-0000-0000-000000000000"\/>/);
  });

  it('an entity a body names that does not exist is 404 with reason Operation Failed', async () => {
    const a = await sdk('POST', '/vms', '<vm><name>sdk-x</name><cluster><name>no-such-cluster</name></cluster></vm>');
    expect(a.status).toBe(404);
    expect(fault(a)).toEqual({ reason: 'Operation Failed', detail: 'Entity not found: Cluster: name=no-such-cluster' });
  });

  it('a malformed id (the SDK sends /templates/None for a missing one) is 404 with no body', async () => {
    const a = await sdk('GET', '/templates/None');
    expect(a.status).toBe(404);
    expect(a.text).toBe('');
  });

  it('stays 400 plain text on v3, as 3.x engines answer', async () => {
    const both = await simulator({ ...SMALL, dialects: 'both' });
    try {
      const a = await api(both, 'GET', '/templates/None', { root: '/ovirt-engine/api', headers: { version: '3' } });
      expect(a.status).toBe(400);
      expect(a.headers.get('content-type')).toMatch(/text\/plain/);
    } finally {
      await both.close();
    }
  });
});

describe('tags (TagMapper)', () => {
  it("name their parent with id and href, and take one given as v4 gives it (ovirt_tag's parent)", async () => {
    const top = await sdk('POST', '/tags', '<tag><name>ansible-top</name></tag>');
    const topId = /id="([^"]+)"/.exec(top.text)![1];
    const child = await sdk('POST', '/tags', `<tag><name>ansible-child</name><parent id="${topId}"/></tag>`);
    expect(child.status).toBe(201);
    expect(child.text).toContain(`<parent href="/ovirt-engine/api/tags/${topId}" id="${topId}"/>`);
    const byName = await sdk('POST', '/tags', '<tag><name>ansible-grandchild</name><parent><name>ansible-child</name></parent></tag>');
    const childId = /id="([^"]+)"/.exec(child.text)![1];
    expect(byName.text).toContain(`<parent href="/ovirt-engine/api/tags/${childId}" id="${childId}"/>`);
    const list = await sdk('GET', '/tags');
    expect(list.text).not.toContain('<parent/>');
  });
});

describe("searches as Ansible's modules send them (the engine's search backend: each object's fields and reached objects)", () => {
  const ids = (a: Answer, el: string) => [...a.text.matchAll(new RegExp(`<${el} href="[^"]+" id="([^"]+)"`, 'g'))].map((m) => m[1]);
  const search = (path: string, q: string) => sdk('GET', `${path}?search=${encodeURIComponent(q)}`);
  /** The name of the first resource in a document (its actions hold no names). */
  const nameIn = (xml: string) => /<name>([^<]+)<\/name>/.exec(xml)![1];

  it('disks by their storage domain (Storage.name=) and by the VMs using them (vm_names=)', async () => {
    const disk = /<disk href[\s\S]*?<\/disk>/.exec((await sdk('GET', '/disks?max=1')).text)![0];
    const domainId = /<storage_domain href="[^"]+" id="([^"]+)"/.exec(disk)![1];
    const domain = nameIn((await sdk('GET', `/storagedomains/${domainId}`)).text);
    const byDomain = await search('/disks', `Storage.name=${domain}`);
    expect(byDomain.status).toBe(200);
    expect(ids(byDomain, 'disk')).toContain(/id="([^"]+)"/.exec(disk)![1]);
    const vmXml = /<vm href[\s\S]*?<\/vm>/.exec((await sdk('GET', '/vms?max=1')).text)![0];
    const vmId = /id="([^"]+)"/.exec(vmXml)![1];
    const attached = [...(await sdk('GET', `/vms/${vmId}/diskattachments`)).text.matchAll(/<disk href="[^"]+" id="([^"]+)"/g)].map(
      (m) => m[1],
    );
    const byVm = await search('/disks', `vm_names=${nameIn(vmXml)}`);
    expect(byVm.status).toBe(200);
    expect(attached.length).toBeGreaterThan(0);
    expect(ids(byVm, 'disk').sort()).toEqual(attached.sort());
  });

  it('templates by the VMs made from them (vm.name=), events by their host (host.name=)', async () => {
    const vm = /<vm href[\s\S]*?<\/vm>/.exec((await sdk('GET', '/vms?max=1')).text)![0];
    const templateId = /<template href="[^"]+" id="([^"]+)"/.exec(vm)![1];
    expect(ids(await search('/templates', `vm.name=${nameIn(vm)}`), 'template')).toEqual([templateId]);
    // Something happens on a host: the engine logs it about that host.
    const host = /<host href[\s\S]*?<\/host>/.exec((await sdk('GET', '/hosts?search=status%3Dup&max=1')).text)![0];
    const hostId = /id="([^"]+)"/.exec(host)![1];
    expect((await sdk('POST', `/hosts/${hostId}/deactivate`, '<action/>')).status).toBe(200);
    const events = await search('/events', `host.name=${nameIn(host)}`);
    expect(events.status).toBe(200);
    const found = events.text.match(/<event href[\s\S]*?<\/event>/g) ?? [];
    expect(found.length).toBeGreaterThan(0);
    for (const e of found) expect(e).toContain(`<host href="/ovirt-engine/api/hosts/${hostId}" id="${hostId}"`);
  });

  it('a reached object alone compares its name (host=), and a field the engine does not have is refused', async () => {
    const vm = /<vm href[\s\S]*?<\/vm>/.exec((await sdk('GET', '/vms?search=status%3Dup&max=1')).text)![0];
    const hostId = /<host href="[^"]+" id="([^"]+)"/.exec(vm)![1];
    const hostName = nameIn((await sdk('GET', `/hosts/${hostId}`)).text);
    const onHost = await search('/vms', `host=${hostName}`);
    expect(ids(onHost, 'vm')).toContain(/id="([^"]+)"/.exec(vm)![1]);
    expect((await search('/vms', `Hosts.name=${hostName}`)).text).toBe(onHost.text);
    const unknown = await search('/hosts', 'spm=true');
    expect(unknown.status).toBe(400);
    expect(fault(unknown).detail).toMatch(/unknown search field "spm"/);
  });
});

describe("the engine's PKI over plain HTTP (ManageIQ's ca_certificate and engine_ssh_public_key, v3)", () => {
  it('serves a CA, an engine certificate it signed, and that certificate key as an OpenSSH public key', async () => {
    const v3 = await simulator({ ...SMALL });
    try {
      const get = async (path: string) => {
        const res = await fetch(`${v3.url}${path}`);
        return { status: res.status, type: res.headers.get('content-type'), body: await res.text() };
      };
      const crt = await get('/ca.crt');
      expect(crt).toMatchObject({ status: 200, type: 'application/x-x509-ca-cert' });
      const ca = new X509Certificate(crt.body);
      expect(ca.ca).toBe(true);
      const pki = '/ovirt-engine/services/pki-resource';
      expect((await get(`${pki}?resource=ca-certificate&format=X509-PEM-CA`)).body).toBe(crt.body);
      const engine = new X509Certificate((await get(`${pki}?resource=engine-certificate&format=X509-PEM`)).body);
      expect(engine.checkIssued(ca)).toBe(true);
      expect(engine.verify(ca.publicKey)).toBe(true);
      const ssh = await get(`${pki}?resource=engine-certificate&format=OPENSSH-PUBKEY`);
      expect(ssh.status).toBe(200);
      expect(ssh.body).toMatch(/^ssh-rsa AAAAB3NzaC1yc2E[A-Za-z0-9+/=]+ ovirt-engine\n$/);
      // The same key, read back by OpenSSH where it is installed.
      if (existsSync('/usr/bin/ssh-keygen')) {
        const dir = mkdtempSync(join(tmpdir(), 'pki-'));
        writeFileSync(join(dir, 'engine.pub'), ssh.body);
        expect(execFileSync('/usr/bin/ssh-keygen', ['-l', '-f', join(dir, 'engine.pub')], { encoding: 'utf8' })).toMatch(/^2048 SHA256:/);
        rmSync(dir, { recursive: true });
      }
      // Asked again, the same PKI: it is the engine's, made once.
      expect((await get('/ca.crt')).body).toBe(crt.body);
    } finally {
      await v3.close();
    }
  });
});

describe('disks on v4 as the SDK and its examples run them (BackendDisksResource, BackendDiskAttachment(s)Resource)', () => {
  const idOf = (xml: string) => /id="([^"]+)"/.exec(xml)![1];
  const status = async (diskId: string) => /<status>([^<]+)<\/status>/.exec((await sdk('GET', `/disks/${diskId}`)).text)?.[1];
  const untilOk = async (diskId: string) => {
    for (let i = 0; i < 100 && (await status(diskId)) !== 'ok'; i++) await new Promise((r) => setTimeout(r, 20));
    return status(diskId);
  };
  const vmIn = async (state: string) => idOf((await sdk('GET', `/vms?search=${encodeURIComponent(`status=${state}`)}&max=1`)).text);
  const FLOATING = (name: string) =>
    `<disk><name>${name}</name><format>cow</format><provisioned_size>1073741824</provisioned_size><storage_domains><storage_domain><name>data1</name></storage_domain></storage_domains></disk>`;

  it('a floating disk needs a size and a format, is locked, then ok, and thin by default (add_floating_disk.py)', async () => {
    const missing = await sdk('POST', '/disks', '<disk><name>sdk-nosize</name></disk>');
    expect(missing.status).toBe(400);
    expect(fault(missing)).toEqual({ reason: 'Incomplete parameters', detail: 'Disk [provisionedSize, format] required for add' });
    const added = await sdk('POST', '/disks', FLOATING('sdk-floating'));
    expect([201, 202]).toContain(added.status);
    expect(added.text).toContain('<status>locked</status>');
    expect(added.text).toContain('<sparse>true</sparse>');
    expect(await untilOk(idOf(added.text))).toBe('ok');
  });

  it('a disk attachment describing a new disk makes it on the VM (add_vm_disk.py)', async () => {
    const vm = await vmIn('down');
    const a = await sdk(
      'POST',
      `/vms/${vm}/diskattachments`,
      `<disk_attachment><disk><name>sdk-vmdisk</name><format>cow</format><provisioned_size>1073741824</provisioned_size></disk><interface>virtio_scsi</interface><bootable>false</bootable><active>true</active></disk_attachment>`,
    );
    expect([201, 202]).toContain(a.status);
    const diskId = /<disk href="[^"]+" id="([^"]+)"/.exec(a.text)![1];
    expect(a.text).toContain('<interface>virtio_scsi</interface>');
    expect(await untilOk(diskId)).toBe('ok');
    expect((await sdk('GET', `/vms/${vm}/diskattachments/${diskId}`)).status).toBe(200);
  });

  it('attaches a floating disk once, detaches it back to floating by default, and removes it with detach_only=false', async () => {
    const vm = await vmIn('down');
    const diskId = idOf((await sdk('POST', '/disks', FLOATING('sdk-attach'))).text);
    await untilOk(diskId);
    const body = `<disk_attachment><disk id="${diskId}"/><interface>virtio</interface><active>true</active></disk_attachment>`;
    const attached = await sdk('POST', `/vms/${vm}/diskattachments`, body);
    expect(attached.status).toBe(201);
    expect(attached.text).toContain(`<vm href="/ovirt-engine/api/vms/${vm}" id="${vm}"/>`);
    const twice = await sdk('POST', `/vms/${vm}/diskattachments`, body);
    expect(twice.status).toBe(409);
    expect(fault(twice).detail).toBe('[Cannot attach Virtual Disk. The disk is already attached to VM.]');
    expect((await sdk('DELETE', `/vms/${vm}/diskattachments/${diskId}`)).status).toBe(200);
    expect((await sdk('GET', `/vms/${vm}/diskattachments/${diskId}`)).status).toBe(404);
    const floating = await sdk('GET', `/disks/${diskId}`);
    expect(floating.status).toBe(200);
    expect(floating.text).not.toContain('<vm ');
    await sdk('POST', `/vms/${vm}/diskattachments`, body);
    expect((await sdk('DELETE', `/vms/${vm}/diskattachments/${diskId}?detach_only=false`)).status).toBe(200);
    expect((await sdk('GET', `/disks/${diskId}`)).status).toBe(404);
  });

  it('activates and deactivates: a hot plug on a running VM, refused for IDE disks and for the state a disk is in', async () => {
    const vm = await vmIn('up');
    const disk = idOf((await sdk('POST', '/disks', FLOATING('sdk-hotplug'))).text);
    await untilOk(disk);
    const plugged = await sdk(
      'POST',
      `/vms/${vm}/diskattachments`,
      `<disk_attachment><disk id="${disk}"/><interface>virtio</interface><active>true</active></disk_attachment>`,
    );
    expect(plugged.status).toBe(201);
    const again = await sdk('PUT', `/vms/${vm}/diskattachments/${disk}`, '<disk_attachment><active>true</active></disk_attachment>');
    expect(again.status).toBe(200); // asking for the state it is in changes nothing
    const off = await sdk('PUT', `/vms/${vm}/diskattachments/${disk}`, '<disk_attachment><active>false</active></disk_attachment>');
    expect(off.text).toContain('<active>false</active>');
    // Detaching from a running VM needs the disk unplugged first: now it is.
    expect((await sdk('DELETE', `/vms/${vm}/diskattachments/${disk}`)).status).toBe(200);
    const ide = await sdk(
      'POST',
      `/vms/${vm}/diskattachments`,
      `<disk_attachment><disk id="${disk}"/><interface>ide</interface><active>true</active></disk_attachment>`,
    );
    expect(ide.status).toBe(409);
    expect(fault(ide).detail).toMatch(
      /^\[Cannot hot plug sdk-hotplug to .+\. Hot plugging a disk to an IDE interface is not supported\.\]$/,
    );
  });

  it("sparsifies a thin disk, and refuses a preallocated one in the engine's words (sparsify, SparsifyImageCommand)", async () => {
    const thin = idOf((await sdk('POST', '/disks', FLOATING('sdk-thin'))).text);
    await untilOk(thin);
    expect((await sdk('POST', `/disks/${thin}/sparsify`, '<action/>')).status).toBe(200);
    const pre = idOf(
      (
        await sdk(
          'POST',
          '/disks',
          '<disk><name>sdk-pre</name><format>raw</format><sparse>false</sparse><provisioned_size>1073741824</provisioned_size></disk>',
        )
      ).text,
    );
    await untilOk(pre);
    const refused = await sdk('POST', `/disks/${pre}/sparsify`, '<action/>');
    expect(refused.status).toBe(409);
    expect(refused.text).toContain('Cannot sparsify Virtual Disk. Sparsifying is not supported for preallocated disk sdk-pre.');
    expect(refused.text).not.toContain('${');
  });
});

describe("a VM with all_content=true (BackendVmsResource populate; the SDK's all_content=True, export tools)", () => {
  it('carries its console, VirtIO-SCSI, sound card and TPM flags, and its OVF as initialization.configuration', async () => {
    const vm = /<vm href="[^"]+" id="([^"]+)">\s*(?:<actions>[\s\S]*?<\/actions>)?\s*<name>([^<]+)<\/name>/.exec(
      (await sdk('GET', '/vms?max=1')).text,
    )!;
    const plain = await sdk('GET', `/vms/${vm[1]}`);
    expect(plain.text).not.toContain('<configuration>');
    const all = await sdk('GET', `/vms/${vm[1]}?all_content=true`);
    expect(all.status).toBe(200);
    for (const el of ['<console><enabled>', '<virtio_scsi><enabled>', '<soundcard_enabled>', '<tpm_enabled>'])
      expect(all.text).toContain(el);
    expect(all.text).toMatch(/<configuration><data>[\s\S]+<\/data><type>ovf<\/type><\/configuration>/);
    const ovf = /<data>([\s\S]+)<\/data>/
      .exec(all.text)![1]
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&quot;/g, '"')
      .replace(/&amp;/g, '&');
    expect(ovf).toMatch(/^<\?xml version="1\.0" encoding="UTF-8"\?><ovf:Envelope /);
    expect(ovf).toContain(`<Name>${vm[2]}</Name>`);
    expect(ovf).toMatch(/<Section xsi:type="ovf:DiskSection_Type">.*<Disk ovf:diskId=/);
    // The list takes it too, and the header form.
    expect((await sdk('GET', '/vms?max=2&all_content=true')).text.match(/<type>ovf<\/type>/g)).toHaveLength(2);
  });
});

describe('services the SDK and its examples add to (BackendAffinityLabelsResource, BackendVmGraphicsConsolesResource, export to path on host)', () => {
  const idOf = (xml: string) => /id="([^"]+)"/.exec(xml)![1];

  it('adds an affinity label', async () => {
    const a = await sdk('POST', '/affinitylabels', '<affinity_label><name>sdk-label</name></affinity_label>');
    expect(a.status).toBe(201);
    expect(a.text).toMatch(/^<\?xml[^>]*>\n?<affinity_label href="\/ovirt-engine\/api\/affinitylabels\/[0-9a-f-]+" id=/);
    expect((await sdk('GET', `/affinitylabels/${idOf(a.text)}`)).text).toContain('<name>sdk-label</name>');
  });

  it('adds a graphics console of a protocol the VM lacks, once', async () => {
    const vm = idOf((await sdk('GET', '/vms?max=1')).text);
    const added = await sdk('POST', `/vms/${vm}/graphicsconsoles`, '<graphics_console><protocol>vnc</protocol></graphics_console>');
    expect(added.status).toBe(201);
    expect(added.text).toContain('<protocol>vnc</protocol>');
    const list = (await sdk('GET', `/vms/${vm}/graphicsconsoles`)).text;
    expect(list.match(/<protocol>(spice|vnc)<\/protocol>/g)?.sort()).toEqual(['<protocol>spice</protocol>', '<protocol>vnc</protocol>']);
    const again = await sdk('POST', `/vms/${vm}/graphicsconsoles`, '<graphics_console><protocol>vnc</protocol></graphics_console>');
    expect(again.status).toBe(409);
    expect(fault(again).detail).toMatch(/One VM can not contain more than one device with the same graphics type/);
  });

  it("exports a VM and a template as OVA to a host's directory through export (export_to_path_on_host's signature)", async () => {
    const vm = idOf((await sdk('GET', '/vms?max=1&search=status%3Ddown')).text);
    const host = idOf((await sdk('GET', '/hosts?max=1&search=status%3Dup')).text);
    const template = idOf((await sdk('GET', '/templates?search=name%3Dt*&max=1')).text);
    const body = (file: string) => `<action><host id="${host}"/><directory>/var/tmp</directory><filename>${file}</filename></action>`;
    const v = await sdk('POST', `/vms/${vm}/export`, body('vm.ova'));
    expect([200, 202]).toContain(v.status);
    expect(v.text).not.toContain('<fault>');
    const t = await sdk('POST', `/templates/${template}/export`, body('template.ova'));
    expect([200, 202]).toContain(t.status);
    expect(t.text).not.toContain('<fault>');
    const noDirectory = await sdk('POST', `/vms/${vm}/export`, `<action><host id="${host}"/></action>`);
    expect(noDirectory.status).toBe(400);
    expect(fault(noDirectory)).toEqual({ reason: 'Incomplete parameters', detail: 'Action [directory] required for export' });
  });
});

describe('docs/protocol.md §13.3', () => {
  it('lists exactly the v4 writes the simulator does not serve', () => {
    const doc = readFileSync(new URL('../../docs/protocol.md', import.meta.url), 'utf8');
    const table = doc.slice(doc.indexOf('### 13.3'));
    const listed = new Set<string>();
    for (const row of table.split('\n').filter((l) => l.startsWith('| `'))) {
      for (const m of row.split('|')[1].matchAll(/`([^`]+)`/g)) listed.add(m[1]);
    }
    const unserved = v4PostCoverage()
      .filter((c) => !c.served)
      .map((c) => c.path);
    expect([...listed].sort()).toEqual([...new Set(unserved)].sort());
  });
});

describe('importing a VM from another hypervisor (BackendExternalVmImportsResource, ovirt_vm with an external provider)', () => {
  it('needs provider, url, name, cluster and storage domain; answers 201 naming the VM it makes, without the password', async () => {
    const missing = await sdk('POST', '/externalvmimports', '<external_vm_import><name>legacy</name></external_vm_import>');
    expect(missing.status).toBe(400);
    expect(fault(missing)).toEqual({
      reason: 'Incomplete parameters',
      detail: 'ExternalVmImport [provider, url, cluster.id|name, storageDomain.id|name] required for add',
    });
    const a = await sdk(
      'POST',
      '/externalvmimports',
      '<external_vm_import><name>legacy-web</name><provider>vmware</provider><url>vpx://administrator%40vsphere.local@vcenter.example.com/dc/cluster/esx1?no_verify=1</url><username>administrator@vsphere.local</username><password>s3cret</password><cluster><name>Default</name></cluster><storage_domain><name>data1</name></storage_domain><sparse>true</sparse></external_vm_import>',
    );
    expect(a.status).toBe(201);
    expect(a.text).not.toContain('s3cret');
    const vm = /<vm href="\/ovirt-engine\/api\/vms\/([0-9a-f-]+)" id="\1"\/>/.exec(a.text)![1];
    expect(a.text).toMatch(/<cluster href="\/ovirt-engine\/api\/clusters\/[0-9a-f-]+" id=/);
    const made = (await sdk('GET', `/vms/${vm}`)).text;
    expect(made).toContain('<name>legacy-web</name>');
    expect(made).toMatch(/<status>(image_locked|down)<\/status>/);
    expect((await sdk('GET', '/externalvmimports')).status).toBe(405);
  });
});
