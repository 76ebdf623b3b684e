/*
 * A stand-in for libEFWFilter, written from the documented API (no vendor code): one 7-slot
 * EFW with ID 1 (not its index 0). The first open homes the wheel for 0.6 s; a move turns the
 * shorter way at 0.3 s per slot. EFWGetPosition reports −1 while the wheel turns, a move while
 * moving is EFW_ERROR_MOVING and a slot outside 0..6 EFW_ERROR_INVALID_VALUE, as in the SDK.
 * efw_stub_set_fault(code) makes every call fail with `code` until set back to 0.
 */
#include <pthread.h>
#include <string.h>
#include <time.h>

#include "zwo_types.h"

#define WHEEL_ID 1
#define SLOT_COUNT 7
#define SECONDS_PER_SLOT 0.3
#define HOMING_S 0.6

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static int fault = 0;
static int opened = 0;
static int homed = 0;
static int slot = 0;
static double arrive_at_s = 0;

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

static EFW_ERROR_CODE check(int id, int need_open) {
  if (fault) return (EFW_ERROR_CODE)fault;
  if (id != WHEEL_ID) return EFW_ERROR_INVALID_ID;
  if (need_open && !opened) return EFW_ERROR_CLOSED;
  return EFW_SUCCESS;
}

static int moving_now(void) { return now_s() < arrive_at_s; }

int EFWGetNum(void) { return 1; }

EFW_ERROR_CODE EFWGetID(int index, int *id) {
  pthread_mutex_lock(&lock);
  EFW_ERROR_CODE rc = fault ? (EFW_ERROR_CODE)fault : index == 0 ? EFW_SUCCESS
                                                                 : EFW_ERROR_INVALID_INDEX;
  if (rc == EFW_SUCCESS) *id = WHEEL_ID;
  pthread_mutex_unlock(&lock);
  return rc;
}

EFW_ERROR_CODE EFWOpen(int id) {
  pthread_mutex_lock(&lock);
  EFW_ERROR_CODE rc = check(id, 0);
  if (rc == EFW_SUCCESS) {
    opened = 1;
    if (!homed) {
      homed = 1;
      slot = 0;
      arrive_at_s = now_s() + HOMING_S;
    }
  }
  pthread_mutex_unlock(&lock);
  return rc;
}

EFW_ERROR_CODE EFWGetProperty(int id, EFW_INFO *info) {
  pthread_mutex_lock(&lock);
  EFW_ERROR_CODE rc = check(id, 1);
  if (rc == EFW_SUCCESS) {
    memset(info, 0, sizeof *info);
    info->ID = WHEEL_ID;
    strncpy(info->Name, "EFW", sizeof info->Name - 1);
    info->slotNum = SLOT_COUNT;
  }
  pthread_mutex_unlock(&lock);
  return rc;
}

EFW_ERROR_CODE EFWGetPosition(int id, int *position) {
  pthread_mutex_lock(&lock);
  EFW_ERROR_CODE rc = check(id, 1);
  if (rc == EFW_SUCCESS) *position = moving_now() ? -1 : slot;
  pthread_mutex_unlock(&lock);
  return rc;
}

EFW_ERROR_CODE EFWSetPosition(int id, int position) {
  pthread_mutex_lock(&lock);
  EFW_ERROR_CODE rc = check(id, 1);
  if (rc == EFW_SUCCESS && moving_now()) rc = EFW_ERROR_MOVING;
  if (rc == EFW_SUCCESS && (position < 0 || position >= SLOT_COUNT)) rc = EFW_ERROR_INVALID_VALUE;
  if (rc == EFW_SUCCESS) {
    int forward = (position - slot + SLOT_COUNT) % SLOT_COUNT;
    int slots = forward > SLOT_COUNT / 2 ? SLOT_COUNT - forward : forward;
    slot = position;
    arrive_at_s = now_s() + slots * SECONDS_PER_SLOT;
  }
  pthread_mutex_unlock(&lock);
  return rc;
}

/* Closing always works; a turning wheel finishes its turn on its own. */
EFW_ERROR_CODE EFWClose(int id) {
  pthread_mutex_lock(&lock);
  if (id == WHEEL_ID) opened = 0;
  pthread_mutex_unlock(&lock);
  return id == WHEEL_ID ? EFW_SUCCESS : EFW_ERROR_INVALID_ID;
}

void efw_stub_set_fault(int code) {
  pthread_mutex_lock(&lock);
  fault = code;
  pthread_mutex_unlock(&lock);
}
